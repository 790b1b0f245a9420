"""Ending the processes a test started."""

import subprocess


def stop_process(process: subprocess.Popen | None, timeout: float = 5) -> None:
    """SIGTERM, then SIGKILL if it has not ended within `timeout` seconds; nothing for one that already ended."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)
