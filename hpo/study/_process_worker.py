"""``optimize(isolation="process")``: each trial runs in a child process that can be killed.

Each optimize thread drives one child process, started by a fork server (or with ``spawn``
where there is none): neither forks this process's threads, and both need only what
``spawn`` needs, a picklable objective that a new process can import. The child unpickles the
study (its storage reconnects to the same database or journal) and the objective once, then
runs trials one at a time with the ordinary :func:`~hpo.study._run_trial.run_trial`, telling
the parent each trial's id when it starts and when it is recorded. The parent waits for the
end of the trial until ``trial_timeout`` (plus a short grace during which the trial may stop
itself at its next ``suggest_*``/``report``); then it kills the child, even one stuck in C
code or a sleep, writes the trial FAIL with ``fail_reason`` ``"timeout"``, and starts a new
child for the next trial. A child that dies on its own (a crash, out of memory) fails its
trial too; the worker goes on. No trial is left RUNNING by a stopped child.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import pickle
import signal
import time
import traceback
from typing import TYPE_CHECKING, Any

from hpo import logging
from hpo.study._run_trial import run_trial
from hpo.study._trial_timeout import TIMEOUT_REASON, fail_stopped_trial

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

    from hpo.study._protocol import OptimizingStudy as Study
    from hpo.trial import FrozenTrial, Trial

_logger = logging.get_logger(__name__)

# Seconds a trial past its deadline gets to stop at its next suggest/report before the kill:
# a trial that stops itself leaves a clean storage connection and a child to reuse.
KILL_GRACE = 0.2
# Seconds a child gets to exit after it was asked to.
_EXIT_WAIT = 5.0


def make_payload(
    study: Study,
    func: Any,
    catch: tuple[type, ...],
    trial_timeout: float | None,
    gc_after_trial: bool,
) -> bytes:
    """Pickle what a child needs: the study, the objective and the trial options.

    Raises
    ------
    TypeError
        If the study (its storage, sampler or pruner) or a ``catch`` type cannot be pickled.
    """
    try:
        return pickle.dumps((study, func, catch, trial_timeout, gc_after_trial))
    except Exception as e:
        raise TypeError(
            f"isolation='process' sends the study (with its storage, sampler and pruner) and the "
            f"catch types to child processes by pickling them, and that failed: "
            f"{type(e).__name__}: {e}"
        ) from e


class ProcessTrialRunner:
    """Runs trials one at a time in a child process; owned by one optimize thread."""

    def __init__(
        self, study: Study, payload: bytes, trial_timeout: float | None, func_module: str | None
    ) -> None:
        self._study = study
        self._func_module = func_module
        self._payload = payload
        self._trial_timeout = trial_timeout
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        # Between the request of a trial and its outcome: the child may hold a RUNNING trial.
        self._busy = False
        self._running_trial_id: int | None = None
        # Set by another thread (interrupt()) to end the running trial for that reason.
        self._interrupted_by: BaseException | None = None

    def _start(self) -> None:
        context = _context(self._study, self._func_module)
        parent_conn, child_conn = context.Pipe()
        process = context.Process(
            target=child_main, args=(child_conn, self._payload), name="hpo-trial-process"
        )
        process.start()
        child_conn.close()
        self._process, self._conn = process, parent_conn
        message = self._receive(None)
        if message is None:
            raise RuntimeError(
                f"The trial process exited with code {self._stop_process()} before it could "
                f"run a trial."
            )
        if message[0] == "load_error":
            self._stop_process()
            raise RuntimeError(
                f"The trial process could not load the study and the objective: {message[1]}. "
                f"With isolation='process' the objective must be importable in a new Python "
                f"process: define it in a module, or in a script under "
                f"`if __name__ == '__main__':` guarded code."
            )

    def run(self) -> FrozenTrial:
        """Run one trial in the child and return it as recorded.

        Raises
        ------
        BaseException
            What the trial raised and ``catch`` did not cover, re-raised here.
        """
        if self._process is None:
            self._start()
        assert self._conn is not None
        self._conn.send("run")
        self._busy = True
        message = self._receive(None)
        if message is None:
            raise RuntimeError(
                f"The trial process exited with code {self._stop_process()} before starting a "
                f"trial."
            )
        if message[0] == "raised":
            self._busy = False
            raise _unpack_error(message[1], message[2])
        trial_id = message[1]
        self._running_trial_id = trial_id
        deadline = None
        if self._trial_timeout is not None:
            deadline = time.monotonic() + self._trial_timeout + KILL_GRACE
        message = self._receive(deadline)
        self._busy = False
        self._running_trial_id = None
        storage = self._study._storage
        if message == "timeout":
            self._stop_process()
            # False when the child recorded the outcome just before the kill: it stands.
            if fail_stopped_trial(self._study, trial_id, TIMEOUT_REASON):
                _logger.warning(
                    "Trial %d failed: it ran longer than trial_timeout=%s seconds; its process "
                    "was killed.",
                    storage.get_trial(trial_id).number,
                    self._trial_timeout,
                )
            return storage.get_trial(trial_id)
        if message is None:
            code = self._stop_process()
            error = self._interrupted_by
            if error is not None:
                reason = f"{type(error).__name__}: {error}"
            else:
                reason = f"the trial's process exited with code {code}."
            if fail_stopped_trial(self._study, trial_id, reason):
                _logger.warning("Trial %d failed: %s", storage.get_trial(trial_id).number, reason)
            return storage.get_trial(trial_id)
        if message[0] == "raised":
            raise _unpack_error(message[1], message[2])
        _, trial_id, stop_requested = message
        if stop_requested:
            self._study._stop_flag = True
        return storage.get_trial(trial_id)

    def abort(self, error: BaseException) -> None:
        """Kill a busy child and fail its trial, if any, because ``error`` stops optimize."""
        if not self._busy:
            return
        self._busy = False
        trial_id = self._running_trial_id
        self._running_trial_id = None
        if trial_id is None and self._conn is not None:
            # Interrupted while waiting for the trial to start: it may have started since.
            with contextlib.suppress(EOFError, OSError):
                while self._conn.poll(0):
                    message = self._conn.recv()
                    if message[0] == "started":
                        trial_id = message[1]
        self._stop_process()
        if trial_id is not None:
            fail_stopped_trial(self._study, trial_id, f"{type(error).__name__}: {error}")

    def interrupt(self, error: BaseException) -> None:
        """From another thread: kill a busy child; its trial fails because of ``error``.

        Only a signal is sent here; the thread that owns this runner sees the child die and
        records the trial.
        """
        self._interrupted_by = error
        process = self._process
        if self._busy and process is not None:
            with contextlib.suppress(Exception):  # the child may have exited meanwhile
                process.kill()

    def close(self) -> None:
        """Let the child exit (kill it if it does not) and release the pipe."""
        if self._process is None:
            return
        assert self._conn is not None
        with contextlib.suppress(OSError):  # the child is gone already
            self._conn.send(None)
        self._process.join(_EXIT_WAIT)
        self._stop_process()

    def _receive(self, deadline: float | None) -> Any:
        """The child's next message; None if it died, "timeout" if ``deadline`` passed."""
        assert self._conn is not None
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            if not self._conn.poll(timeout):
                return "timeout"
            return self._conn.recv()
        except (EOFError, OSError):
            return None

    def _stop_process(self) -> int | None:
        """Kill the child if it still runs; return its exit code."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if process is None:
            return None
        if process.is_alive():
            process.kill()
        process.join()
        if conn is not None:
            conn.close()
        code = process.exitcode
        process.close()
        return code


def _context(study: Study, func_module: str | None) -> Any:
    """The forkserver context where there is one (Linux, most Unixes), spawn elsewhere.

    Both start a child without forking the threads of this process. The fork server imports
    hpo and the modules of the storage, sampler, pruner and objective once, so each new child
    starts in milliseconds instead of importing them again.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    modules = [__name__] + [
        type(part).__module__ for part in (study._storage, study.sampler, study.pruner)
    ]
    if func_module is not None and func_module not in ("__main__", "__mp_main__"):
        modules.append(func_module)
    # Takes effect when the fork server starts (its first use in this process).
    context.set_forkserver_preload(list(dict.fromkeys(modules)))
    return context


def _pack_error(error: BaseException) -> tuple[bytes | None, str]:
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    try:
        return pickle.dumps(error), text
    except Exception:
        return None, text


def _unpack_error(pickled: bytes | None, text: str) -> BaseException:
    _logger.debug("The trial process raised:\n%s", text)
    if pickled is not None:
        try:
            error = pickle.loads(pickled)
        except Exception:
            pass
        else:
            if isinstance(error, BaseException):
                return error
    return RuntimeError(f"The trial process raised an error that cannot be pickled:\n{text}")


def child_main(conn: Connection, payload: bytes) -> None:
    """The body of a trial process: load the study and the objective, run trials on request."""
    # Ctrl-C reaches the whole process group; the parent handles it and stops this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        study, func, catch, trial_timeout, gc_after_trial = pickle.loads(payload)
    except BaseException as e:
        conn.send(("load_error", f"{type(e).__name__}: {e}"))
        conn.close()
        return
    # Copies of one seeded sampler would draw the same values in every process.
    study.sampler.reseed_rng()
    # Samplers that run out of points call study.stop(); the parent is told after the trial.
    study._in_optimize = True
    conn.send(("ready",))

    def started(trial: Trial) -> None:
        conn.send(("started", trial._trial_id))

    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        try:
            frozen = run_trial(study, func, catch, trial_timeout, on_start=started)
        except BaseException as e:
            conn.send(("raised", *_pack_error(e)))
            continue
        if gc_after_trial:
            gc.collect()
        conn.send(("done", frozen._trial_id, study._stop_flag))
