import hashlib
import os

import pytest

from jarvis import BadUserInputError, ChecksumMismatchError, NotFoundError, TSAIComponent


def write(path, size: int) -> str:
    with open(path, "wb") as f:
        f.write(os.urandom(size))
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def test_small_and_multipart_files_round_trip_with_their_digest(component, tmp_path, unique):
    small_sha = write(tmp_path / "labels.json", 1000)
    big_sha = write(tmp_path / "weights.bin", 21 * 1024 * 1024 + 5)
    small = component.store_artifact(tmp_path / "labels.json", name=f"{unique}/labels.json", progress_bar=False)
    seen: list[tuple[int, int]] = []
    big = component.store_model(
        tmp_path / "weights.bin", name=f"{unique}/weights.bin", alias="candidate", on_progress=lambda d, t: seen.append((d, t))
    )
    assert (small.size, small.sha_256, small.version) == (1000, small_sha, 1)
    assert (big.size, big.sha_256, big.kind.value) == (21 * 1024 * 1024 + 5, big_sha, "MODEL")
    assert "candidate" in big.aliases
    assert seen[-1] == (big.size, big.size)
    back = component.retrieve_artifact(f"{unique}/weights.bin@candidate", tmp_path / "back", progress_bar=False)
    with open(back, "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == big_sha
    again = component.store_model(tmp_path / "weights.bin", name=f"{unique}/weights.bin", progress_bar=False)
    assert again.id == big.id, "the same file again is the same upload: nothing is sent twice"
    listed = component.list_artifacts(name_prefix=f"{unique}/")
    assert sorted(a.name for a in listed) == [f"{unique}/labels.json", f"{unique}/weights.bin"]


def test_an_interrupted_upload_resumes_sending_only_the_missing_parts(component, tmp_path, unique, proxy, jarvis_url):
    write(tmp_path / "ckpt.bin", 40 * 1024 * 1024)
    puts = {"n": 0}

    def cut_after_first_part(request: bytes, answer: bytes):
        if request.startswith(b"PUT /storage/uploads/"):
            puts["n"] += 1
            if puts["n"] > 1:
                return None  # the connection drops: as a laptop going to sleep
        return answer

    flaky = proxy(cut_after_first_part)
    with TSAIComponent("pytest", url=flaky.url, api_key=os.environ.get("JARVIS_API_KEY")) as cut:
        with pytest.raises(Exception):
            cut.store_artifact(tmp_path / "ckpt.bin", name=f"{unique}/ckpt.bin", progress_bar=False)
    progress: list[int] = []
    stored = component.store_artifact(
        tmp_path / "ckpt.bin", name=f"{unique}/ckpt.bin", on_progress=lambda d, t: progress.append(d)
    )
    assert stored.size == 40 * 1024 * 1024
    assert progress[0] >= 16 * 1024 * 1024, "the part sent before the cut counts as done at once"


def test_a_damaged_download_is_refused_and_leaves_nothing(component, tmp_path, unique, proxy):
    write(tmp_path / "data.bin", 300_000)
    component.store_artifact(tmp_path / "data.bin", name=f"{unique}/data.bin", progress_bar=False)

    def flip_a_byte(request: bytes, answer: bytes):
        if request.startswith(b"GET /storage/artifacts/") and b"\r\n\r\n" in answer:
            head, body = answer.split(b"\r\n\r\n", 1)
            if body:
                body = bytes([body[0] ^ 0xFF]) + body[1:]
            return head + b"\r\n\r\n" + body
        return answer

    damaged = proxy(flip_a_byte)
    with TSAIComponent("pytest", url=damaged.url, api_key=os.environ.get("JARVIS_API_KEY")) as c:
        with pytest.raises(ChecksumMismatchError) as refused:
            c.retrieve_artifact(f"{unique}/data.bin", tmp_path / "out.bin", progress_bar=False)
    assert refused.value.code == "CHECKSUM_MISMATCH"
    assert not (tmp_path / "out.bin").exists()
    assert not any(p.name.startswith("out.bin") for p in tmp_path.iterdir())


def test_typed_errors(component, tmp_path):
    with pytest.raises(NotFoundError) as missing:
        component.retrieve_artifact("no-such-artifact@v7", tmp_path)
    assert missing.value.code == "NOT_FOUND"
    (tmp_path / "x.bin").write_bytes(b"x")
    with pytest.raises(BadUserInputError) as bad:
        component.store_artifact(tmp_path / "x.bin", name="../escape", progress_bar=False)
    assert bad.value.code == "BAD_USER_INPUT"
