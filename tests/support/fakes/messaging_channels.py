"""In-memory WhatsApp, cascade and reach repositories (decision 30) on the fake messaging
store, implementing service_layer/channel_ports.py."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from services.messaging.domain.cascade import RUNNING, Cascade, CascadeRun
from services.messaging.domain.whatsapp import WhatsAppOptIn, WhatsAppTemplate


class FakeWhatsApp:
    def __init__(self, store: Any) -> None:
        self.store = store
        self._templates: list[WhatsAppTemplate] = []
        self._opt_ins: dict[str, WhatsAppOptIn] = {}

    def templates(self) -> Sequence[WhatsAppTemplate]:
        return sorted(self._templates, key=lambda t: (t.kind, t.language))

    def template(self, kind: str, language: str) -> WhatsAppTemplate | None:
        return next((t for t in self._templates if (t.kind, t.language) == (kind, language)), None)

    def add_template(self, template: WhatsAppTemplate) -> None:
        self._templates.append(template)

    def opt_in(self, mobile: str) -> WhatsAppOptIn | None:
        return self._opt_ins.get(mobile)

    def opted_in_among(self, mobiles: Collection[str]) -> set[str]:
        return {m for m in mobiles if m in self._opt_ins}

    def add_opt_in(self, opt_in: WhatsAppOptIn) -> None:
        self._opt_ins[opt_in.mobile] = opt_in

    def last_inbound_at(self, mobile: str) -> datetime | None:
        times = [
            i.received_at
            for i in self.store.inbound.values()
            if i.channel == "whatsapp" and i.from_number == mobile
        ]
        return max(times, default=None)


class FakeCascades:
    def __init__(self, store: Any) -> None:
        self.store = store
        self._cascades: dict[uuid.UUID, Cascade] = {}
        self._runs: list[CascadeRun] = []

    def cascade(self, trial_id: uuid.UUID) -> Cascade | None:
        return self._cascades.get(trial_id)

    def add(self, item: Cascade | CascadeRun) -> None:
        if isinstance(item, Cascade):
            self._cascades[item.trial_id] = item
        else:
            self._runs.append(item)

    def run_for(self, participant_id: uuid.UUID, trial_id: uuid.UUID) -> CascadeRun | None:
        return next(
            (r for r in self._runs if (r.participant_id, r.trial_id) == (participant_id, trial_id)),
            None,
        )

    def running_after(
        self, after: uuid.UUID | None, limit: int, *, lock: bool
    ) -> Sequence[CascadeRun]:
        running = sorted((r for r in self._runs if r.state == RUNNING), key=lambda r: r.id)
        return [r for r in running if after is None or r.id > after][:limit]

    def states(self, trial_id: uuid.UUID) -> dict[str, int]:
        return dict(Counter(r.state for r in self._runs if r.trial_id == trial_id))

    def message_status(self, message_id: uuid.UUID) -> str | None:
        found = self.store.messages.get(message_id)
        return str(found.status) if found else None

    def answered_since(
        self, participant_id: uuid.UUID, trial_id: uuid.UUID, since: datetime
    ) -> bool:
        return any(
            i.participant_id == participant_id and i.trial_id == trial_id and i.received_at >= since
            for i in self.store.inbound.values()
        )


class FakeReach:
    def __init__(self, store: Any) -> None:
        self.store = store

    def invitation_texts(self, batch_id: uuid.UUID) -> list[tuple[str, str, str, int]]:
        counts = Counter(
            (m.channel, m.language or "en", m.body)
            for m in self.store.messages.values()
            if m.batch_id == batch_id and m.kind == "invitation"
        )
        return [(c, lang, body, n) for (c, lang, body), n in counts.items()]

    def statuses(self, batch_id: uuid.UUID) -> list[tuple[str, str, int]]:
        counts = Counter(
            (m.channel, m.status) for m in self.store.messages.values() if m.batch_id == batch_id
        )
        return [(c, s, n) for (c, s), n in counts.items()]

    def replies(self, batch_id: uuid.UUID, trial_id: uuid.UUID) -> list[tuple[str, int]]:
        people = {
            m.participant_id
            for m in self.store.messages.values()
            if m.batch_id == batch_id and m.kind == "invitation"
        }
        answered: dict[str, set[uuid.UUID]] = {}
        for i in self.store.inbound.values():
            if i.trial_id == trial_id and i.participant_id in people:
                answered.setdefault(i.channel, set()).add(i.participant_id)
        return [(c, len(p)) for c, p in answered.items()]
