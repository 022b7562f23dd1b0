"""TSAI Spotlight, in Python: finds the shots in hockey clips. The clips come in from the
user's drive as MEDIA artifacts, the `spotlight-video-analysis` pipeline (this component's own
Python worker) tracks the puck frame by frame and writes a REPORT artifact derived from each
clip, and the reports go back to the drive, into `<folder>/spotlight`, shared when asked.
JARVIS_URL and JARVIS_API_KEY.

    python examples/spotlight.py --make-sample sample.y4m      # then put it on your drive
    python examples/spotlight.py "<drive name>" <folder> [--share-link]
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile

from jarvis import ActivityContext, TSAIComponent, Worker

PIPELINE = "spotlight-video-analysis"
TASK_QUEUE = "spotlight-python"
PUCK_LUMA = 80  # pixels darker than this are puck (the ice is near white)
SHOT_SPEED = 5  # faster than this (pixels per frame) is a shot


def read_y4m(path: str) -> dict:
    """YUV4MPEG2: a text header, then per frame `FRAME\\n` and the Y, U, V planes (4:2:0)."""
    with open(path, "rb") as f:
        data = f.read()
    header_end = data.index(b"\n")
    header = data[:header_end].decode("ascii")
    if not header.startswith("YUV4MPEG2 "):
        raise ValueError(f"{path} is not a YUV4MPEG2 video")
    fields = {f[0]: f[1:] for f in header.split(" ")[1:] if f}
    width, height = int(fields["W"]), int(fields["H"])
    num, den = (int(x) for x in fields.get("F", "25:1").split(":"))
    frame_bytes = width * height + 2 * (width // 2) * (height // 2)
    frames = []
    at = header_end + 1
    while at < len(data):
        line_end = data.index(b"\n", at)
        if not data[at:line_end].startswith(b"FRAME"):
            raise ValueError(f"{path}: frame {len(frames) + 1} has no FRAME marker")
        at = line_end + 1
        frames.append(data[at : at + width * height])
        at += frame_bytes
    return {"width": width, "height": height, "fps": num / den, "frames": frames}


def write_sample_video(path: str, frames: int = 75, width: int = 160, height: int = 96) -> None:
    """White ice, a dark 4x4 puck gliding, then a shot (a few fast frames), then gliding again."""
    chunks = [f"YUV4MPEG2 W{width} H{height} F25:1 Ip A1:1 C420jpeg\n".encode("ascii")]
    x = 10
    for frame in range(frames):
        shot = frames * 0.4 <= frame < frames * 0.4 + 6
        x = (x + (12 if shot else 1)) % (width - 8)
        y = round(height / 2 + 10 * math.sin(frame / 8))
        luma = bytearray([225]) * (width * height)
        for dy in range(4):
            start = (y + dy) * width + x
            luma[start : start + 4] = bytes([20]) * 4
        chunks += [b"FRAME\n", bytes(luma), bytes([128]) * ((width // 2) * (height // 2) * 2)]
    with open(path, "wb") as f:
        f.write(b"".join(chunks))


class SpotlightComponent(TSAIComponent):
    def __init__(self) -> None:
        super().__init__("spotlight")
        self.worker: Worker | None = None

    def start(self) -> None:
        self.register_workflow(
            {
                "name": PIPELINE,
                "description": "Track the puck through a clip, then report the shots",
                "taskQueue": TASK_QUEUE,
                "steps": [
                    {"id": "track", "activity": "trackPuck", "input": {"video": "$input.video"}, "heartbeatTimeoutMs": 30_000},
                    {
                        "id": "report",
                        "activity": "writeReport",
                        "input": {
                            "video": "$input.video",
                            "clip": "$input.clip",
                            "fps": "$steps.track.output.fps",
                            "track": "$steps.track.output.track",
                        },
                    },
                ],
                "output": {"result": "$steps.report.output.result", "highlights": "$steps.report.output.highlights"},
            }
        )
        self.worker = Worker(
            TASK_QUEUE,
            {"trackPuck": self.track_puck, "writeReport": self.write_report},
            url=self.url,
            api_key=self._async.api_key,
        ).start()

    def analyze_drive_folder(self, drive: str, folder: str, share: bool = False) -> dict:
        """The seed's flow: imports the clips under `folder` of the drive, analyses each, and
        exports the reports to `<folder>/spotlight` (shared by link when `share`)."""
        clips = self.import_user_media(drive, folder, types=["video"], prefix="spotlight/clips", progress_bar=False)
        analyses = [self.analyze_hockey_video(clip) for clip in clips]
        exported = self.export_results(
            [a["result"] for a in analyses], drive, folder=f"{folder}/spotlight", share=share, progress_bar=False
        )
        return {"analyses": analyses, "exported": [f["path"] for f in exported["files"]], "share_url": exported["share_url"]}

    def analyze_hockey_video(self, video: object) -> dict:
        """Runs the analysis pipeline on a stored clip; the report is a REPORT artifact derived from it."""
        clip = os.path.basename(video.name)
        run = self.start_workflow(PIPELINE, {"video": video.id, "clip": clip}, idempotency_key=f"spotlight:{video.id}")
        output = None
        for event in self.watch_workflow(run.id):
            kind = event.type_.value
            if kind == "STEP_PROGRESS":
                print(f"  {event.step_id}: {event.message}", file=sys.stderr)
            elif kind == "RUN_COMPLETED":
                output = event.run.result
            elif kind.startswith("RUN_") and kind != "RUN_STARTED":
                raise RuntimeError(f"analysis {run.id} ended {kind}")
        source = (video.metadata or {}).get("path", video.name)
        return {"clip": source, "video": video.id, "result": output["result"], "highlights": output["highlights"]}

    def track_puck(self, input: dict, ctx: ActivityContext) -> dict:
        with tempfile.TemporaryDirectory() as folder:
            clip = read_y4m(self.retrieve_artifact(input["video"], os.path.join(folder, "clip.y4m"), progress_bar=False))
        width, frames = clip["width"], clip["frames"]
        track = []
        for index, luma in enumerate(frames):
            dark = [i for i, value in enumerate(luma) if value < PUCK_LUMA]
            if dark:
                track.append(
                    {"frame": index, "x": sum(i % width for i in dark) / len(dark), "y": sum(i // width for i in dark) / len(dark)}
                )
            if index % 15 == 14 or index == len(frames) - 1:
                ctx.progress((index + 1) / len(frames), f"frame {index + 1}/{len(frames)}")
        return {"fps": clip["fps"], "frames": len(frames), "track": track}

    def write_report(self, input: dict, ctx: ActivityContext) -> dict:
        highlights: list[dict] = []
        track = input["track"]
        for a, b in zip(track, track[1:]):
            speed = math.hypot(b["x"] - a["x"], b["y"] - a["y"]) / (b["frame"] - a["frame"])
            if speed <= SHOT_SPEED:
                continue
            if highlights and highlights[-1]["endFrame"] == a["frame"]:
                highlights[-1]["endFrame"] = b["frame"]
                highlights[-1]["peakSpeed"] = max(highlights[-1]["peakSpeed"], round(speed, 2))
            else:
                highlights.append(
                    {
                        "startFrame": a["frame"],
                        "endFrame": b["frame"],
                        "startSeconds": round(a["frame"] / input["fps"], 2),
                        "peakSpeed": round(speed, 2),
                    }
                )
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "analysis.json")
            with open(path, "w") as f:
                json.dump({"video": input["video"], "fps": input["fps"], "highlights": highlights, "track": track}, f, indent=2)
            report = self.store_artifact(
                path,
                name=f"spotlight/reports/{os.path.splitext(input['clip'])[0]}.analysis.json",
                kind="REPORT",
                content_type="application/json",
                derived_from=[input["video"]],
                workflow_run_id=ctx.run_id,
                metadata={"shots": len(highlights)},
                progress_bar=False,
            )
        ctx.progress(1, f"{len(highlights)} shot(s) found")
        return {"result": report.id, "highlights": highlights}

    def close(self) -> None:
        if self.worker is not None:
            self.worker.stop()
        super().close()


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--make-sample":
        write_sample_video(sys.argv[2])
        print(f"wrote {sys.argv[2]}")
        sys.exit(0)
    args = [a for a in sys.argv[1:] if a != "--share-link"]
    if len(args) < 2:
        print(
            'usage: python examples/spotlight.py "<drive name>" <folder> [--share-link]   (make a clip: --make-sample sample.y4m)',
            file=sys.stderr,
        )
        sys.exit(2)
    spotlight = SpotlightComponent()
    try:
        spotlight.start()
        result = spotlight.analyze_drive_folder(args[0], args[1], share="--share-link" in sys.argv)
        for analysis in result["analyses"]:
            for shot in analysis["highlights"]:
                print(
                    f"{analysis['clip']}: shot at {shot['startSeconds']}s (frames {shot['startFrame']}-{shot['endFrame']}, {shot['peakSpeed']} px/frame)"
                )
        print(f"reports exported to {args[0]}: {', '.join(result['exported'])}")
        if result["share_url"]:
            print(f"shared: {result['share_url']}")
    finally:
        spotlight.close()
