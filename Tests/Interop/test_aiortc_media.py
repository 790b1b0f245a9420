"""Real media between LinkUp and aiortc on 127.0.0.1 (no STUN server: an empty ICE server list).

(a) aiortc sends VP8 (forced by codec preferences) and Opus for a fixed number of frames; `linkup probe --record`
    writes what it receives to IVF and Ogg Opus, which ffprobe/ffmpeg (Debian) decode: the decoded frame counts match
    what LinkUp says it recorded and are close to what aiortc sent.
(b) `linkup probe --send-media` sends the VP8 test pattern and an Opus tone; aiortc's receiver tracks decode them.
(c) The same with IVF and Ogg Opus files (made by ffmpeg) as LinkUp's sources, looped at their own pace.
(d) LinkUp echoes aiortc's own video and audio back to it (`--video echo --audio echo`); aiortc decodes them.

Each call is bounded in time, and the probe process is killed if it is still running at the end.
"""

import asyncio
import json
import shutil
import subprocess

import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCRtpSender, RTCSessionDescription

from aiortc_tracks import LimitedAudioTrack, LimitedVideoTrack, receive_tracks
from linkup_probe import Probe

pytestmark = pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe not installed")

VIDEO_FRAMES = 90   # 3 s at aiortc's 30 fps
AUDIO_FRAMES = 150  # 3 s of 20 ms frames
CALL_TIMEOUT = 60


def loopback_only(sdp: str) -> str:
    """Keeps only 127.0.0.1 candidates, so no test traffic leaves loopback."""
    lines = [line for line in sdp.splitlines() if not line.startswith("a=candidate:") or " 127.0.0.1 " in line]
    return "\r\n".join(lines) + "\r\n"


def prefer_vp8(pc):
    vp8 = [codec for codec in RTCRtpSender.getCapabilities("video").codecs if codec.mimeType == "video/VP8"]
    for transceiver in pc.getTransceivers():
        if transceiver.kind == "video":
            transceiver.setCodecPreferences(vp8)


async def stop_probe(probe):
    if probe.process is not None and probe.process.returncode is None:
        probe.process.kill()
        await probe.process.wait()


def ffprobe(path, stream, count):
    """ffprobe's view of one stream, reading every packet (`packets`) or decoding every frame (`frames`)."""
    flag, entry = ("-count_packets", "nb_read_packets") if count == "packets" else ("-count_frames", "nb_read_frames")
    output = subprocess.run(
        ["ffprobe", "-v", "error", flag, "-select_streams", stream,
         "-show_entries", f"stream=codec_name,width,height,channels,{entry}", "-of", "json", str(path)],
        check=True, capture_output=True, text=True, timeout=60).stdout
    return json.loads(output)["streams"][0]


def ffmpeg_errors(path):
    result = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "null", "-"],
                            capture_output=True, text=True, timeout=60)
    return result.returncode, result.stderr.strip()


async def aiortc_sends(directory):
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    video, audio = LimitedVideoTrack(VIDEO_FRAMES), LimitedAudioTrack(AUDIO_FRAMES)
    pc.addTrack(audio)
    pc.addTrack(video)
    prefer_vp8(pc)
    probe = await Probe("--answer", "--record", str(directory), "--media-seconds", "5",
                        "--host", "127.0.0.1").start()
    try:
        await pc.setLocalDescription(await pc.createOffer())
        await probe.send({"type": "offer", "sdp": loopback_only(pc.localDescription.sdp)})
        answer = await probe.read("answer")
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
        await probe.read("connected")
        media = await probe.read("media", timeout=30)
        await pc.close()
        await probe.send({"type": "bye"})
        code = await probe.finish()
        return media["summary"], video.sent, audio.sent, code
    finally:
        await pc.close()
        await stop_probe(probe)


def test_aiortc_sends_and_linkup_records(tmp_path):
    summary, video_sent, audio_sent, code = asyncio.run(asyncio.wait_for(aiortc_sends(tmp_path), CALL_TIMEOUT))
    assert code == 0
    assert video_sent == VIDEO_FRAMES and audio_sent == AUDIO_FRAMES
    recording = summary["recording"]
    assert "error" not in recording, recording

    ivf = tmp_path / "remote.ivf"
    assert recording["videoPath"] == str(ivf)
    info = ffprobe(ivf, "v:0", "frames")
    assert info["codec_name"] == "vp8"
    assert (info["width"], info["height"]) == (640, 480)
    assert int(info["nb_read_frames"]) == recording["videoFrames"], (info, recording)
    assert recording["videoFrames"] >= VIDEO_FRAMES * 0.9, recording
    assert recording["videoFrames"] <= VIDEO_FRAMES
    assert ffmpeg_errors(ivf) == (0, "")

    ogg = tmp_path / "remote.ogg"
    assert recording["audioPath"] == str(ogg)
    info = ffprobe(ogg, "a:0", "packets")
    assert info["codec_name"] == "opus"
    assert int(info["nb_read_packets"]) == recording["audioPackets"], (info, recording)
    assert recording["audioPackets"] >= AUDIO_FRAMES * 0.9, recording
    assert recording["audioPackets"] <= AUDIO_FRAMES
    decoded = ffprobe(ogg, "a:0", "frames")
    assert int(decoded["nb_read_frames"]) >= recording["audioPackets"] - 2, decoded
    assert ffmpeg_errors(ogg) == (0, "")

    # What LinkUp's own decoders made of it.
    assert summary["videoFramesDecoded"] >= VIDEO_FRAMES * 0.9, summary
    assert summary["audioFramesReceived"] >= AUDIO_FRAMES * 0.9, summary


async def linkup_sends(*arguments):
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    received = {"audio": 0, "video": 0, "sizes": set()}
    drains = []
    receive_tracks(pc, received, drains)
    probe = await Probe("--offer", "--send-media", "--media-seconds", "3", *arguments, "--host", "127.0.0.1").start()
    try:
        offer = await probe.read("offer")
        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer["sdp"], type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        await probe.send({"type": "answer", "sdp": loopback_only(pc.localDescription.sdp)})
        await probe.read("connected")
        media = await probe.read("media", timeout=30)
        await asyncio.sleep(0.5)  # the last frames through aiortc's jitter buffer
        await pc.close()
        await probe.send({"type": "bye"})
        code = await probe.finish()
        return media["summary"], received, code
    finally:
        await pc.close()
        for task in drains:
            task.cancel()
        await stop_probe(probe)


def test_linkup_sends_and_aiortc_decodes():
    summary, received, code = asyncio.run(asyncio.wait_for(linkup_sends("--video", "testsrc:320x240@30"), CALL_TIMEOUT))
    assert code == 0
    assert summary["videoFramesSent"] >= 80, summary
    assert summary["audioFramesSent"] >= 140, summary
    # aiortc decoded (VP8 via libvpx, Opus via libopus) most of what LinkUp sent.
    assert received["video"] >= summary["videoFramesSent"] * 0.8, (received, summary)
    assert received["sizes"] == {(320, 240)}, received
    assert received["audio"] >= summary["audioFramesSent"] * 0.8, (received, summary)


def test_linkup_sends_files_and_aiortc_decodes(tmp_path):
    """IVF and Ogg Opus files made by ffmpeg (2 s each), sent in a loop at their own pace for 3 s."""
    ivf, ogg = tmp_path / "clip.ivf", tmp_path / "clip.ogg"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=352x288:rate=30", "-t", "2",
                    "-c:v", "libvpx", "-b:v", "300k", "-g", "30", "-deadline", "realtime", str(ivf)],
                   check=True, timeout=60)
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "2",
                    "-c:a", "libopus", "-b:a", "32k", "-frame_duration", "20", str(ogg)], check=True, timeout=60)
    summary, received, code = asyncio.run(asyncio.wait_for(
        linkup_sends("--video", f"file:{ivf}", "--audio", f"file:{ogg}"), CALL_TIMEOUT))
    assert code == 0
    # 3 s at the files' 30 fps and 20 ms: the files loop once and a half.
    assert 80 <= summary["videoFramesSent"] <= 91, summary
    assert 140 <= summary["audioFramesSent"] <= 151, summary
    assert received["video"] >= summary["videoFramesSent"] * 0.8, (received, summary)
    assert received["sizes"] == {(352, 288)}, received
    assert received["audio"] >= summary["audioFramesSent"] * 0.8, (received, summary)


async def linkup_echoes():
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    video, audio = LimitedVideoTrack(VIDEO_FRAMES), LimitedAudioTrack(AUDIO_FRAMES)
    pc.addTrack(audio)
    pc.addTrack(video)
    prefer_vp8(pc)
    received = {"audio": 0, "video": 0, "sizes": set()}
    drains = []
    receive_tracks(pc, received, drains)
    probe = await Probe("--answer", "--send-media", "--video", "echo", "--audio", "echo", "--media-seconds", "4",
                        "--host", "127.0.0.1").start()
    try:
        await pc.setLocalDescription(await pc.createOffer())
        await probe.send({"type": "offer", "sdp": loopback_only(pc.localDescription.sdp)})
        answer = await probe.read("answer")
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
        await probe.read("connected")
        media = await probe.read("media", timeout=30)
        await asyncio.sleep(0.5)
        await pc.close()
        await probe.send({"type": "bye"})
        code = await probe.finish()
        return media["summary"], received, code
    finally:
        await pc.close()
        for task in drains:
            task.cancel()
        await stop_probe(probe)


def test_linkup_echoes_aiortc():
    """aiortc's own video and audio come back to it through LinkUp's echo, and it decodes them."""
    summary, received, code = asyncio.run(asyncio.wait_for(linkup_echoes(), CALL_TIMEOUT))
    assert code == 0
    assert summary["videoFramesSent"] >= VIDEO_FRAMES * 0.9, summary
    assert summary["audioFramesSent"] >= AUDIO_FRAMES * 0.9, summary
    assert received["video"] >= VIDEO_FRAMES * 0.8, (received, summary)
    assert received["sizes"] == {(640, 480)}, received
    assert received["audio"] >= AUDIO_FRAMES * 0.8, (received, summary)
