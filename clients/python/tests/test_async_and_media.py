import asyncio
import os
from pathlib import Path

import pytest

from jarvis import AsyncTSAIComponent, BadUserInputError, DriveTransferError, NotFoundError


def test_import_user_media_and_export_results(component, unique):
    root = Path(os.environ["JARVIS_TEST_DRIVE_ROOT"]) / f"drive-{unique}"
    (root / "matches").mkdir(parents=True)
    clip = root / "matches" / "Face off.mp4"
    clip.write_bytes(os.urandom(5000))
    (root / "matches" / "lineup.txt").write_text("not a video")
    drive = component.connect_local_drive(f"Coach {unique}", str(root))
    assert drive.provider.value == "LOCAL"

    seen: list[tuple[int, int]] = []
    media = component.import_user_media(
        f"Coach {unique}", "matches", types=["video"], prefix=f"{unique}/media", on_progress=lambda d, t: seen.append((d, t))
    )
    assert [(m.name, m.kind.value, m.metadata["path"]) for m in media] == [
        (f"{unique}/media/matches/Face_off.mp4", "MEDIA", "matches/Face off.mp4")
    ]
    assert seen[-1] == (5000, 5000)
    # Unchanged: the same artifact, not fetched again.
    assert [m.id for m in component.import_user_media(drive.id, "matches", types=["video"], prefix=f"{unique}/media")] == [
        media[0].id
    ]

    report = root.parent / f"report-{unique}.json"
    report.write_text('{"shots": 3}')
    exported = component.export_results([report, media[0]], f"Coach {unique}", folder="results/week-1", progress_bar=False)
    assert sorted(f["path"] for f in exported["files"]) == ["results/week-1/Face_off.mp4", f"results/week-1/report-{unique}.json"]
    assert (root / "results" / "week-1" / "Face_off.mp4").read_bytes() == clip.read_bytes()
    assert exported["share_url"] is None

    with pytest.raises(BadUserInputError, match="cannot be shared"):
        component.export_results([media[0]], f"Coach {unique}", folder="shared", share=True, progress_bar=False)
    with pytest.raises(NotFoundError, match="no drive 'nobody' of yours"):
        component.import_user_media("nobody", "matches")
    with pytest.raises(DriveTransferError) as failed:
        component.import_user_media(f"Coach {unique}", ["matches/gone.mp4"], progress_bar=False)
    assert [(f.path, f.error_code) for f in failed.value.result.files] == [("matches/gone.mp4", "NOT_FOUND")]


def test_the_async_component_does_the_same_with_await(jarvis_url, tmp_path, unique):
    async def main():
        async with AsyncTSAIComponent("pytest-async", url=jarvis_url, api_key=os.environ.get("JARVIS_API_KEY")) as c:
            (tmp_path / "w.bin").write_bytes(b"weights" * 1000)
            model = await c.store_model(tmp_path / "w.bin", name=f"{unique}/w.bin", progress_bar=False)
            async with await c.start_experiment(f"py-async-{unique}", {"lr": 0.1}) as run:
                for step in range(50):
                    run.log_metrics({"loss": 1 / (step + 1)}, step)
            listed = await c.list_artifacts(name_prefix=f"{unique}/")
            return model, run, listed

    model, run, listed = asyncio.run(main())
    assert model.size == 7000 and run.ended
    assert [a.id for a in listed] == [model.id]
