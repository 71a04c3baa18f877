"""A crawl CSV read as a stream: in blocks of any size it gives the rows, the counts and the sentences of one read."""

import pandas as pd
import pytest

from rednote.core.errors import UserError
from rednote.ingest import csvfile
from rednote.ingest.csvfile import CsvBlocks, detect_encoding, read_raw

HEADER = "user_id,create_time,content\n"
#: Rows with a quoted newline (one row over two lines), a blank line, a malformed row (an extra field) and Chinese.
BODY = (
    'u1,2025-01-10 10:00:00,"hello\nworld"\n'
    "\n"
    "u2,2025-01-11 11:00:00,小红书\n"
    "u3,2025-01-12 12:00:00,extra,field\n"
    "u4,2025-01-13 13:00:00,plain\n"
    "u5,2025-01-14 14:00:00,last\n"
)


def identity(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    return frame


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
@pytest.mark.parametrize("rows", [1, 2, 3, 4, 100])
def test_blocks_of_any_size_join_to_the_whole_read(tmp_path, monkeypatch, encoding, rows):
    monkeypatch.setattr(csvfile, "CHUNK_BYTES", 7)  # multi-byte characters fall across chunks
    path = tmp_path / "crawl.csv"
    path.write_bytes((HEADER + BODY).encode(encoding))
    blocks = CsvBlocks(path, 0.5, prepare=identity, rows=rows)
    frames = list(blocks)
    assert [len(f) for f in frames[:-1]] == [rows] * (len(frames) - 1) and 1 <= len(frames[-1]) <= rows
    joined = pd.concat(frames, ignore_index=True)
    assert joined["user_id"].tolist() == ["u1", "u2", "u4", "u5"]
    assert joined["content"].tolist() == ["hello\nworld", "小红书", "plain", "last"]
    assert blocks.read == csvfile.RawRead("gb18030" if encoding == "gb18030" else "utf-8-sig", 5, 1, 1, 6)
    whole, read = read_raw(path, 0.5, prepare=identity)
    pd.testing.assert_frame_equal(whole, joined)
    assert read == blocks.read


def test_a_header_only_file_is_one_empty_block_and_an_empty_file_one_sentence(tmp_path):
    path = tmp_path / "crawl.csv"
    path.write_text(HEADER, encoding="utf-8")
    frames = list(CsvBlocks(path, 0.05, prepare=identity, rows=2))
    assert len(frames) == 1 and frames[0].empty and list(frames[0].columns) == ["user_id", "create_time", "content"]
    path.write_text(" \n\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"crawl.csv is empty; it should be a CSV export with a header row and posts\."):
        list(CsvBlocks(path, 0.05, rows=2))


def test_too_many_malformed_lines_stop_after_the_last_block_with_the_counts(tmp_path):
    path = tmp_path / "crawl.csv"
    path.write_text(HEADER + BODY, encoding="utf-8")
    blocks = CsvBlocks(path, 0.1, prepare=identity, rows=1)
    with pytest.raises(UserError) as stopped:
        for _ in blocks:
            pass
    assert str(stopped.value).endswith(
        "has 1 malformed row(s) (field count unlike the header's), the first at line 6, spanning 1 of its 6 data "
        "lines (16.7%, more than clean.max_malformed_share=0.1), often from an unclosed quote or another delimiter; "
        "fix the file or raise that param."
    )
    assert blocks.read is None


@pytest.mark.parametrize("chunk", [1, 3, 1 << 20])
def test_the_encoding_and_the_line_of_the_first_bad_byte_do_not_depend_on_the_chunks(chunk):
    def chunks(data: bytes):
        return (data[i : i + chunk] for i in range(0, len(data), chunk))

    assert detect_encoding(chunks("a,b\n小红书\n".encode("gb18030")), "x") == "gb18030"
    assert detect_encoding(chunks("\ufeffa,b\n小红书\n".encode()), "x") == "utf-8-sig"
    assert detect_encoding(chunks(b""), "x") == "utf-8-sig"
    for data, line in ((b"a,b\n\nc,d\x00e\n", 3), ("a\n小\n".encode("utf-16-le"), 1), (b"a\nb\n\xff\xfe\n", 3)):
        with pytest.raises(
            UserError,
            match=rf"^x is neither UTF-8 nor GBK/GB18030 text \(the first byte that is neither is on line {line};",
        ):
            detect_encoding(chunks(data), "x")


def test_the_file_is_read_in_chunks_not_whole(tmp_path, monkeypatch):
    path = tmp_path / "crawl.csv"
    path.write_text(HEADER + BODY * 50, encoding="utf-8")
    monkeypatch.setattr(csvfile, "CHUNK_BYTES", 64)
    sizes = []
    original = csvfile._file_chunks

    def recording(p):
        for chunk in original(p):
            sizes.append(len(chunk))
            yield chunk

    monkeypatch.setattr(csvfile, "_file_chunks", recording)
    monkeypatch.setattr(type(path), "read_bytes", lambda self: pytest.fail("the whole file was read at once"))
    frame, _ = read_raw(path, 0.5, prepare=identity)
    assert len(frame) == 200 and max(sizes) == 64 and sum(sizes) == path.stat().st_size
