"""Long work in the background (reading a batch of returned PDFs): its progress for a status page
that refreshes itself, and cancelling by POST.

A job's work gets a `progress(items)` iterator, as the core's functions take one; cancelling makes
that iterator raise Cancelled at the next item, so the core stops its workers and writes nothing.
"""

from __future__ import annotations

import secrets
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
KEEP = 20  # finished jobs remembered (their results are shown once more)


class Cancelled(Exception):
    """The user cancelled the job."""


@dataclass
class Job:
    id: str
    title: str
    done: int = 0
    total: int = 0
    finished: bool = False
    cancelled: threading.Event = field(default_factory=threading.Event)
    ended: threading.Event = field(default_factory=threading.Event)
    result: Any = None
    error: BaseException | None = None
    folder: Path | None = None  # uploads of this job: removed when it fails, is cancelled or discarded
    data: dict[str, Any] = field(default_factory=dict)  # what the page keeps with the job

    def progress(self, items: Sequence[T]) -> Iterator[T]:
        self.total = len(items)
        for n, item in enumerate(items):
            if self.cancelled.is_set():
                raise Cancelled
            yield item
            self.done = n + 1
        if self.cancelled.is_set():
            raise Cancelled


class Jobs:
    """The jobs of one app; `folder` is the working folder's own temporary place for uploads."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._jobs: dict[str, Job] = {}
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def upload_folder(self) -> Path:
        path = self.folder / secrets.token_hex(8)
        path.mkdir(parents=True)
        return path

    def start(self, title: str, work: Callable[[Job], Any], folder: Path | None = None,
              data: dict[str, Any] | None = None) -> Job:
        job = Job(secrets.token_urlsafe(12), title, folder=folder, data=dict(data or {}))

        def run() -> None:
            try:
                job.result = work(job)
            except BaseException as exc:  # shown on the job's page; a bug there goes to formkit-fout.log
                job.error = exc
                self.discard(job)
            finally:
                job.finished = True
                job.ended.set()

        thread = threading.Thread(target=run, name=f"formkit-job-{job.id}", daemon=True)
        with self._lock:
            self._jobs[job.id] = job
            finished = [j for j in self._jobs.values() if j.finished]
            for old in finished[:-KEEP]:
                del self._jobs[old.id]
                if old.folder is not None:
                    _remove(old.folder)
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        return job

    def discard(self, job: Job) -> None:
        """The job's uploads are no longer needed (imported, cancelled, failed)."""
        if job.folder is not None:
            _remove(job.folder)

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def stop(self, timeout: float = 30.0) -> None:
        """Cancel every job and wait for its thread (its workers stop with it)."""
        with self._lock:
            jobs, threads = list(self._jobs.values()), list(self._threads)
        for job in jobs:
            job.cancelled.set()
        for thread in threads:
            thread.join(timeout)
        _remove(self.folder)


def _remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
