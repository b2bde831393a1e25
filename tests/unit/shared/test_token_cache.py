"""The in-process memory of token checks: it remembers valid tokens for a few seconds, never
an unknown one, never past a token's expiry, and holds no token itself."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from shared.auth.cache import CachedTokenStore
from shared.auth.principal import Principal

ADA = Principal(uuid.uuid4(), "Ada", "admin")


class FakeStore:
    def __init__(self) -> None:
        self.valid: dict[str, tuple[Principal, datetime | None]] = {}
        self.asked = 0

    def principal_for(self, token: str) -> Principal | None:
        return self.expiry_of(token)[0]

    def expiry_of(self, token: str) -> tuple[Principal | None, datetime | None]:
        self.asked += 1
        return self.valid.get(token, (None, None))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def a_cache(ttl: float = 5.0, **extra: int) -> tuple[CachedTokenStore, FakeStore, Clock]:
    store, clock = FakeStore(), Clock()
    return CachedTokenStore(store, ttl, clock=clock, **extra), store, clock


def test_a_valid_token_is_asked_about_once_within_the_time_to_live() -> None:
    cache, store, clock = a_cache()
    store.valid["trt_a"] = (ADA, None)

    assert cache.principal_for("trt_a") == ADA
    clock.now += 4.9
    assert cache.principal_for("trt_a") == ADA
    assert store.asked == 1


def test_a_revoked_token_stops_working_once_the_time_to_live_is_over() -> None:
    cache, store, clock = a_cache()
    store.valid["trt_a"] = (ADA, None)
    cache.principal_for("trt_a")
    del store.valid["trt_a"]  # revoked

    clock.now += 5.1
    assert cache.principal_for("trt_a") is None


def test_unknown_tokens_are_never_remembered() -> None:
    cache, store, _ = a_cache()

    assert cache.principal_for("trt_new") is None
    store.valid["trt_new"] = (ADA, None)  # issued a moment later
    assert cache.principal_for("trt_new") == ADA
    assert len(cache._seen) == 1


def test_a_token_is_never_remembered_past_its_own_expiry() -> None:
    cache, store, clock = a_cache(ttl=60)
    store.valid["trt_a"] = (ADA, datetime.now(UTC) + timedelta(seconds=2))
    cache.principal_for("trt_a")
    store.valid.clear()

    clock.now += 3
    assert cache.principal_for("trt_a") is None


def test_no_time_to_live_asks_every_time() -> None:
    cache, store, _ = a_cache(ttl=0)
    store.valid["trt_a"] = (ADA, None)
    cache.principal_for("trt_a")
    cache.principal_for("trt_a")

    assert store.asked == 2


def test_the_memory_is_bounded_and_holds_no_token() -> None:
    cache, store, _ = a_cache(max_entries=3)
    for n in range(10):
        store.valid[f"trt_secret_{n}"] = (ADA, None)
        cache.principal_for(f"trt_secret_{n}")

    assert len(cache._seen) == 3
    assert not any(b"trt_secret" in key for key in cache._seen)
    other = CachedTokenStore(store, 5.0)
    assert other._name("trt_secret_1") != cache._name("trt_secret_1")  # keyed per process
