#!/usr/bin/env python3
"""Writes fixtures/sdp/broken/*.sdp: real captured descriptions with one line broken on purpose.

Each <name>.sdp has a <name>.expected beside it: "<line number> <SDPError.Reason case>", the error the parser
must report. Run from the repository root: python3 Tests/Interop/make_broken_sdp.py
"""
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
SDP = ROOT / "fixtures" / "sdp"
OUT = SDP / "broken"


def lines(name):
    return (SDP / name).read_text().replace("\r\n", "\n").split("\n")[:-1]


def index(all_lines, prefix):
    return next(i for i, line in enumerate(all_lines) if line.startswith(prefix))


def write(name, all_lines, line_number, reason, line_ending="\r\n"):
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.sdp").write_bytes((line_ending.join(all_lines) + line_ending).encode())
    (OUT / f"{name}.expected").write_text(f"{line_number} {reason}\n")


def variant(base, name, reason, edit, line_ending="\r\n"):
    all_lines = lines(base)
    number = edit(all_lines)  # edits in place, returns the 1-based line number of the error
    write(name, all_lines, number, reason, line_ending)


def replace(prefix, new):
    def edit(all_lines):
        i = index(all_lines, prefix)
        all_lines[i] = new(all_lines[i])
        return i + 1
    return edit


def delete_first_line(all_lines):
    del all_lines[0]
    return 1


def insert_after_version(all_lines):
    all_lines.insert(1, "a=ice-lite")
    return 2


def delete_timing(all_lines):
    del all_lines[index(all_lines, "t=")]
    return index(all_lines, "m=") + 1


def blank_in_media(all_lines):
    i = index(all_lines, "a=mid:")
    all_lines.insert(i, "")
    return i + 1


def origin_in_media(all_lines):
    i = index(all_lines, "a=mid:")
    all_lines.insert(i, "o=- 1 1 IN IP4 127.0.0.1")
    return i + 1


chromium = "chromium-offer-getusermedia-data.sdp"
firefox = "firefox-offer-getusermedia-data.sdp"
aiortc = "aiortc-offer-audio-video-data.sdp"

variant(chromium, "missing-version", "missingVersion", delete_first_line)
variant(aiortc, "version-1", "unsupportedVersion", replace("v=", lambda l: "v=1"))
variant(firefox, "attribute-before-origin", "missingOrigin", insert_after_version)
variant(chromium, "bad-type-letter", "badLineType", replace("a=rtcp-mux", lambda l: "A=rtcp-mux"))
variant(aiortc, "no-equals", "missingEquals", replace("a=rtcp-mux", lambda l: "a:rtcp-mux"), "\n")
variant(chromium, "media-line-no-formats", "badMediaLine", replace("m=video", lambda l: "m=video"))
variant(firefox, "media-port-not-numeric", "badPort", replace("m=audio", lambda l: l.replace(" 9 ", " nine ", 1)))
variant(chromium, "rtpmap-no-clock-rate", "badRTPMap", replace("a=rtpmap:111", lambda l: "a=rtpmap:111 opus"))
variant(aiortc, "fingerprint-bad-hex", "badFingerprint", replace("a=fingerprint:sha-256", lambda l: l[:-2] + "4G"))
variant(firefox, "fingerprint-odd-digits", "badFingerprint", replace("a=fingerprint:", lambda l: l[:-1]))
variant(chromium, "setup-unknown-role", "badSetup", replace("a=setup:", lambda l: "a=setup:server"))
variant(chromium, "candidate-truncated", "badCandidate",
        replace("a=candidate:", lambda l: " ".join(l.split(" ")[:6])))
variant(firefox, "candidate-port-not-numeric", "badCandidate",
        replace("a=candidate:", lambda l: l.replace(" 9 typ", " x typ") if " 9 typ" in l else
                " ".join(l.split(" ")[:5] + ["port"] + l.split(" ")[6:])))
variant(aiortc, "timing-missing", "missingTiming", delete_timing)
variant(chromium, "blank-line-inside", "emptyLine", blank_in_media)
variant(firefox, "origin-in-media-section", "misplacedLine", origin_in_media)
variant(chromium, "extmap-bad-direction", "badExtensionMap",
        replace("a=extmap:2 ", lambda l: l.replace("a=extmap:2 ", "a=extmap:2/sideways ")))
variant(aiortc, "ssrc-not-a-number", "badSSRC", replace("a=ssrc:", lambda l: "a=ssrc:abc " + l.split(" ", 1)[1]))
variant(chromium, "ssrc-group-not-numbers", "badSSRCGroup", replace("a=ssrc-group:", lambda l: l + " x"))
variant(firefox, "mid-empty", "badMid", replace("a=mid:", lambda l: "a=mid:"))
variant(aiortc, "connection-short", "badConnection", replace("c=", lambda l: "c=IN IP4"))
variant(chromium, "timing-not-numeric", "badTiming", replace("t=", lambda l: "t=now 0"))
variant(firefox, "origin-short", "badOrigin", replace("o=", lambda l: "o=- 1 IN IP4 0.0.0.0"))
variant(chromium, "rtcp-fb-no-type", "badFeedback", replace("a=rtcp-fb:", lambda l: l.split(" ")[0]))
variant(aiortc, "ice-ufrag-empty", "badICECredential", replace("a=ice-ufrag:", lambda l: "a=ice-ufrag:"))
variant(chromium, "sctp-port-not-numeric", "badNumber", replace("a=sctp-port:", lambda l: "a=sctp-port:five"))
variant(chromium, "nul-in-line", "badCharacter", replace("s=", lambda l: "s=-\0"))
print("\n".join(sorted(p.name for p in OUT.iterdir())))
