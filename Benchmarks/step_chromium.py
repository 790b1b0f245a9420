"""One headless Chromium for Benchmarks/shaped_step.py, run inside a network namespace (`ip netns exec NS python
step_chromium.py --role send|receive`), where its chromedriver lives too. It speaks JSON lines like `linkup probe`:

    send:    prints {"type": "offer", "sdp"}, reads {"type": "answer", "sdp"}
    receive: reads {"type": "offer", "sdp"}, prints {"type": "answer", "sdp"}
    both:    print {"type": "connected"} once the peer connection is up, sample getStats every 0.5 s, and on
             {"type": "stop"} print {"type": "result", "frames": [[shownWallMs, latencyMs|null, width], ...],
             "samples": [...]} and exit.

The page (step_page.html) sends a 640x480 canvas at 30 fps with a tone, or receives and reads the timestamp drawn
into each picture.
"""

import argparse
import json
import pathlib
import select
import sys
import time
import traceback

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "Tests" / "Interop"))

from browser import chromium  # noqa: E402


def emit(message):
    print(json.dumps(message), flush=True)


def read_line(timeout):
    ready, _, _ = select.select([sys.stdin], [], [], timeout)
    if not ready:
        return None
    line = sys.stdin.readline()
    if not line:
        raise EOFError("stdin closed")
    return json.loads(line)


def expect(kind, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = read_line(deadline - time.monotonic())
        if message and message.get("type") == kind:
            return message
    raise TimeoutError(f"no {kind} within {timeout} s")


def run(role):
    with chromium() as page:
        page.set_script_timeout(60)
        page.get((HERE / "step_page.html").as_uri())
        call = "const done = arguments[arguments.length - 1]; {} .then(done, e => done('error: ' + e));"
        if role == "send":
            emit({"type": "offer", "sdp": page.execute_async_script(call.format("window.step.offer()"))})
            answer = expect("answer")["sdp"]
            page.execute_async_script(call.format("window.step.accept(arguments[0])"), answer)
        else:
            offer = expect("offer")["sdp"]
            emit({"type": "answer", "sdp": page.execute_async_script(call.format("window.step.answer(arguments[0])"),
                                                                      offer)})
        deadline = time.monotonic() + 30
        while page.execute_script("return window.step.state") != "connected":
            if time.monotonic() > deadline:
                raise TimeoutError(f"not connected: {page.execute_script('return window.step.state')}")
            time.sleep(0.1)
        emit({"type": "connected"})
        samples, frames = [], []
        while True:
            message = read_line(0.5)
            samples.append(page.execute_async_script(call.format("window.step.sample()")))
            frames.extend(page.execute_script("return window.step.takeFrames()"))
            if message and message.get("type") == "stop":
                break
        page.execute_script("window.step.stop()")
        emit({"type": "result", "frames": frames, "samples": samples})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--role", choices=("send", "receive"), required=True)
    arguments = parser.parse_args()
    try:
        run(arguments.role)
    except Exception as error:
        emit({"type": "error", "error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()})
        sys.exit(1)


if __name__ == "__main__":
    main()
