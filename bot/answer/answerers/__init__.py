"""Answerers: each turns a read question into one kind of Answer (or None when it does not apply)."""
