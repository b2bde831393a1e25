"""The event bus over kombu: topology, outbox relay, consumer worker, dead letters."""
