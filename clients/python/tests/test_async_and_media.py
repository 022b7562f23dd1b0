import asyncio
import os

from jarvis import AsyncTSAIComponent


def test_import_user_media_and_export_results(component, tmp_path, unique):
    clip = tmp_path / "faceoff.mp4"
    clip.write_bytes(os.urandom(5000))
    media = component.import_user_media(clip, name=f"{unique}/faceoff.mp4", progress_bar=False)
    assert media.kind.value == "DATASET"
    report = tmp_path / "report.json"
    report.write_text('{"shots": 3}')
    stored = component.store_artifact(report, name=f"{unique}/report.json", progress_bar=False)
    paths = component.export_results([media.id, f"{unique}/report.json"], tmp_path / "drive")
    assert [os.path.basename(p) for p in paths] == ["faceoff.mp4", "report.json"]
    assert open(paths[0], "rb").read() == clip.read_bytes()
    assert stored.version == 1


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
