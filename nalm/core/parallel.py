"""Train a block's runs in parallel sub-blocks: one single-threaded process per sub-block.

A block of runs is one vectorised program on one core. Block independence (docs/architecture.md,
"Which guarantees hold for which networks") makes a run's numbers bit-identical in any block, so
a job that may use N cores cuts its runs into N contiguous sub-blocks, trains each in its own
process with one torch thread, and gets back exactly the `RunLog`s one process would have
produced, in the same order. The caller writes the files, as it does for one process: a failed
or killed worker raises before anything is written.

Processes are started with the `spawn` method (torch's thread pools do not survive `fork`),
so the function and its arguments must be picklable (module-level function, dataclasses).
"""

import multiprocessing
import signal
import threading
import traceback
from multiprocessing.connection import wait

from nalm.core.errors import UserError


def split_contiguous(items, parts: int) -> list:
    """`items` cut into min(parts, len(items)) contiguous, non-empty pieces whose sizes differ by
    at most one (the first ones larger), in order: concatenated they are `items` again."""
    items = list(items)
    if parts < 1:
        raise ValueError(f"parts must be >= 1, not {parts}")
    parts = min(parts, len(items)) or 1
    size, extra = divmod(len(items), parts)
    pieces, start = [], 0
    for k in range(parts):
        end = start + size + (1 if k < extra else 0)
        pieces.append(items[start:end])
        start = end
    return pieces


def _worker(connection, function, argument, threads: int, report_progress: bool) -> None:
    """Child process: `function(argument, progress)` with `threads` torch threads; sends
    ("progress", n) messages, then ("done", result) or ("error", user_error?, text)."""
    try:
        if threads is not None:
            import torch

            torch.set_num_threads(threads)
        progress = (lambda n: connection.send(("progress", n))) if report_progress else None
        result = function(argument, progress)
    except BaseException as error:  # noqa: BLE001 -- everything goes back to the parent, which decides
        user = isinstance(error, UserError)
        text = str(error) if user else "".join(traceback.format_exception(error)).rstrip()
        connection.send(("error", user, text))
    else:
        connection.send(("done", result))
    finally:
        connection.close()


class WorkerFailed(RuntimeError):
    """A worker raised (its traceback is the message) or died without a result."""


def map_in_processes(function, arguments, threads: int | None = 1, progress=None) -> list:
    """[function(a, progress) for a in arguments], each call in its own spawned process with
    `threads` torch threads (None: torch is not imported for it), all at once; results in the
    order of `arguments`.

    `progress(n)` is called in this process with every n a worker's function reports. The first
    failure terminates the other workers and raises: the worker's `UserError` as a `UserError`,
    anything else (or a worker that died, e.g. killed for memory) as `WorkerFailed`. SIGTERM
    (a workflow manager cancelling the job) terminates the workers too.
    """
    context = multiprocessing.get_context("spawn")
    workers, pending = [], {}
    results = [None] * len(arguments)
    previous = None
    if threading.current_thread() is threading.main_thread():
        # a cancelled job must not leave its workers training: SystemExit runs the finally below
        previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        for index, argument in enumerate(arguments):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_worker, args=(send, function, argument, threads, progress is not None),
                                      name=f"nalm-worker-{index}", daemon=True)
            workers.append(process)
            process.start()
            send.close()  # the child holds the sending end now
            pending[receive] = (index, process)
        while pending:
            ready = wait(list(pending) + [process.sentinel for _, process in pending.values()])
            for receive in [r for r in list(pending) if r in ready or pending[r][1].sentinel in ready]:
                index, process = pending[receive]
                message = _receive(receive, process)
                if message[0] == "progress":
                    if progress is not None:
                        progress(message[1])
                    continue
                del pending[receive]
                receive.close()
                if message[0] == "done":
                    results[index] = message[1]
                    process.join()
                elif message[1]:
                    raise UserError(message[2])
                else:
                    raise WorkerFailed(f"worker {index + 1} of {len(workers)} failed:\n{message[2]}")
    finally:
        for receive in pending:
            receive.close()
        for process in workers:
            if process.is_alive():
                process.terminate()
        for process in workers:
            if process.pid is not None:
                process.join()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return results


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def _receive(receive, process):
    """The next message of a worker; ("error", False, why) when it died without sending one."""
    try:
        if receive.poll():
            return receive.recv()
    except (EOFError, OSError):
        pass
    process.join()
    why = f"the worker process ended with exit code {process.exitcode} before sending its result (killed, e.g. for memory?)"
    return ("error", False, why)
