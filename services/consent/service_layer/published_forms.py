"""Published consent form versions, remembered by the process that read them.

A published version never changes: its content hash seals it and the repository updates
drafts only. So the record view can take a version's words (for its understanding questions)
from memory instead of a second round trip per read (bench/consent_read). Drafts are never
remembered. At most `size` versions are kept; the oldest go first.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict

from services.consent.domain.forms import ConsentForm
from services.consent.service_layer.unit_of_work import ConsentUnitOfWork


class PublishedForms:
    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._kept: OrderedDict[tuple[uuid.UUID, int], ConsentForm] = OrderedDict()
        self._lock = threading.Lock()

    def form(self, uow: ConsentUnitOfWork, trial_id: uuid.UUID, version: int) -> ConsentForm | None:
        key = (trial_id, version)
        with self._lock:
            found = self._kept.get(key)
        if found is not None:
            return found
        form = uow.forms.form(trial_id, version)
        if form is not None and form.is_published:
            with self._lock:
                self._kept[key] = form
                while len(self._kept) > self.size:
                    self._kept.popitem(last=False)
        return form


PUBLISHED = PublishedForms()
