"""Chat channels (Telegram, Zalo Bot, Zalo OA): each module's `build_router(provider, config,
querylog, ratelimiter)` returns a `ChannelRouter` (APIRouter + async startup()/shutdown());
`bot.channels.routers.enabled_routers` returns those whose token/secret is configured."""
