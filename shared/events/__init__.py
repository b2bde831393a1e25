"""The event envelope and the event contracts every producer and consumer share."""

from shared.events.envelope import Event, MalformedEvent, decode, encode, new_event

__all__ = ["Event", "MalformedEvent", "decode", "encode", "new_event"]
