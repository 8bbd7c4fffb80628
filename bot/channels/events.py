"""Shared skeleton of the Zalo webhook channels: dedup, background work, safe event handling."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Hashable
from typing import Any, Generic, Protocol, TypeVar

import httpx

from bot.channels.access import AccessPolicy, RateLimiterLike
from bot.channels.config import ChatConfig
from bot.channels.conversation import TextConversation
from bot.channels.deliveries import DeliverySet
from bot.channels.service import ChatService, Deduper, ProviderLike, QueryLogLike, TaskRunner


class ClosableClient(Protocol):
    async def aclose(self) -> None: ...


ConfigT = TypeVar("ConfigT")
ClientT = TypeVar("ClientT", bound=ClosableClient)


def ensure_http(http: httpx.AsyncClient | None) -> httpx.AsyncClient:
    """`http`, or a fresh client when it is missing or closed (so a channel can restart)."""
    if http is None or http.is_closed:
        return httpx.AsyncClient(timeout=httpx.Timeout(20.0, connect=10.0))
    return http


def text_conversation(
    channel: str,
    allowed: Any,
    provider: ProviderLike,
    config: ChatConfig,
    querylog: QueryLogLike | None,
    ratelimiter: RateLimiterLike | None,
) -> tuple[AccessPolicy, TextConversation]:
    """The access policy and plain-text conversation a text-only channel answers through."""
    policy = AccessPolicy(channel, allowed, ratelimiter)
    service = ChatService(channel, provider, policy, querylog, config.max_question_chars)
    return policy, TextConversation(service)


class EventChannel(ABC, Generic[ConfigT, ClientT]):
    """A webhook channel that answers platform events in the background, each delivery once."""

    log: logging.Logger  # the channel module's logger
    label: str  # channel name in log lines, e.g. "zalo-bot"

    def __init__(
        self,
        config: ConfigT,
        conversation: TextConversation,
        policy: AccessPolicy,
        client: ClientT,
    ) -> None:
        self.config = config
        self.conversation = conversation
        self.policy = policy
        self.client = client
        self.seen: DeliverySet = Deduper()  # replaced by a persistent store in the server
        self.tasks = TaskRunner()

    async def stop(self) -> None:
        await self.tasks.drain()
        await self.client.aclose()

    @abstractmethod
    def delivery_key(self, event: dict[str, Any]) -> Hashable | None:
        """The id of one delivery (None when the event has none and cannot be deduplicated)."""

    def accept(self, event: dict[str, Any]) -> bool:
        """False for a repeated delivery of an event already handled."""
        key = self.delivery_key(event)
        return True if key is None else self.seen.first_time(key)

    async def handle_event(self, event: dict[str, Any]) -> None:
        """Answer one event (never raises)."""
        try:
            await self._handle(event)
        except Exception:  # noqa: BLE001 - one bad event must not stop the channel
            self.log.exception("%s: xử lý sự kiện thất bại", self.label)

    @abstractmethod
    async def _handle(self, event: dict[str, Any]) -> None: ...

    @abstractmethod
    async def send_one(self, chat_id: str, text: str) -> Any:
        """Send one text message to `chat_id`."""

    async def _send(self, chat_id: str, messages: list[str]) -> None:
        for text in messages:
            await self.send_one(chat_id, text)
