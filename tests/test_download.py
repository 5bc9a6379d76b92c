"""Archive download and extraction. The HTTP tests talk only to a server on
127.0.0.1 started by the test itself; nothing leaves the machine."""

import hashlib
import http.server
import io
import re
import socket
import tarfile
import threading

import pytest

from helpers.download import Archive, DownloadError, UnsafeArchiveError, fetch_archive, is_extracted, safe_extract


def _tar(path, members):
    """Write a tar with ``members``: (TarInfo, bytes or None)."""
    with tarfile.open(path, "w") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _file(name, data=b"x"):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def _link(name, target, kind=tarfile.SYMTYPE):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, target
    return info, None


def test_safe_extract_unpacks_a_clean_archive_and_marks_it_complete(tmp_path):
    archive = _tar(tmp_path / "ok.tar", [_file("VOCdevkit/VOC2007/a.txt", b"hello"),
                                         _link("VOCdevkit/VOC2007/b.txt", "a.txt")])
    dest = tmp_path / "out"
    safe_extract(archive, dest)
    assert (dest / "VOCdevkit/VOC2007/a.txt").read_bytes() == b"hello"
    assert (dest / "VOCdevkit/VOC2007/b.txt").read_bytes() == b"hello"
    assert is_extracted(archive, dest)
    assert [p.name for p in dest.iterdir() if p.name.startswith(".extracting")] == []


def test_two_archives_merge_into_one_tree(tmp_path):
    first = _tar(tmp_path / "trainval.tar", [_file("VOCdevkit/VOC2007/JPEGImages/1.jpg")])
    second = _tar(tmp_path / "test.tar", [_file("VOCdevkit/VOC2007/JPEGImages/2.jpg")])
    dest = tmp_path / "out"
    safe_extract(first, dest)
    safe_extract(second, dest)
    assert sorted(p.name for p in (dest / "VOCdevkit/VOC2007/JPEGImages").iterdir()) == ["1.jpg", "2.jpg"]
    assert is_extracted(first, dest) and is_extracted(second, dest)


@pytest.mark.parametrize("member, reason", [
    (_file("../escaped.txt"), "climbs out"),
    (_file("VOCdevkit/../../escaped.txt"), "climbs out"),
    (_file("/tmp/escaped-absolute.txt"), "absolute path"),
    (_link("VOCdevkit/evil", "../../escaped.txt"), "links to"),
    (_link("VOCdevkit/evil", "/etc/passwd"), "links to"),
    (_link("VOCdevkit/hard", "../escaped.txt", tarfile.LNKTYPE), "links to|climbs out"),
])
def test_members_that_would_write_outside_are_refused_and_nothing_lands(tmp_path, member, reason):
    archive = _tar(tmp_path / "evil.tar", [_file("VOCdevkit/fine.txt"), member])
    dest = tmp_path / "a" / "b" / "out"
    before = set(tmp_path.rglob("*"))
    with pytest.raises(UnsafeArchiveError, match=reason) as error:
        safe_extract(archive, dest)
    assert member[0].name in str(error.value)
    assert set(tmp_path.rglob("*")) == before  # every member is checked before anything is written
    assert not is_extracted(archive, dest)


def test_device_files_are_refused(tmp_path):
    info = tarfile.TarInfo("VOCdevkit/null")
    info.type, info.devmajor, info.devminor = tarfile.CHRTYPE, 1, 3
    archive = _tar(tmp_path / "dev.tar", [(info, None)])
    with pytest.raises(UnsafeArchiveError, match="device"):
        safe_extract(archive, tmp_path / "out")


def test_a_broken_archive_leaves_no_tree_that_passes_as_complete(tmp_path):
    good = _tar(tmp_path / "good.tar", [_file("VOCdevkit/VOC2007/big.bin", b"y" * 20000)])
    dest = tmp_path / "out"
    safe_extract(good, dest)
    truncated = tmp_path / "copy" / "good.tar"  # the same archive, cut short
    truncated.parent.mkdir()
    truncated.write_bytes(good.read_bytes()[:6000])
    with pytest.raises(tarfile.TarError):
        safe_extract(truncated, dest)
    assert not is_extracted(truncated, dest)  # the earlier marker was withdrawn first
    assert [p.name for p in dest.iterdir() if p.name.startswith(".extracting")] == []


class _Server:
    """A loopback HTTP server serving ``files`` (path -> bytes), counting requests."""

    def __init__(self, files, fail_first=0):
        self.files, self.requests, self.fail_first = files, [], fail_first
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                body = server.files.get(self.path)
                if body is None or len(server.requests) <= server.fail_first:
                    self.send_error(404 if body is None else 503)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def payload():
    data = b"pretend this is a VOC archive\n" * 1000
    return data, Archive("VOCfake.tar", len(data), hashlib.md5(data).hexdigest())


def _closed_port_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/voc/"


def test_fetch_verifies_and_does_not_fetch_a_verified_copy_again(tmp_path, payload):
    data, archive = payload
    server = _Server({"/voc/VOCfake.tar": data})
    try:
        path = fetch_archive(archive, tmp_path, mirrors=[server.base + "/voc/"], progressbar=False)
        assert path.read_bytes() == data
        fetch_archive(archive, tmp_path, mirrors=[server.base + "/voc/"], progressbar=False)
        assert len(server.requests) == 1
    finally:
        server.close()


def test_fetch_falls_back_to_the_next_mirror(tmp_path, payload):
    data, archive = payload
    server = _Server({"/mirror/VOCfake.tar": data})
    try:
        path = fetch_archive(archive, tmp_path, mirrors=[_closed_port_url(), server.base + "/gone/",
                                                         server.base + "/mirror/"],
                             retries=0, progressbar=False)
        assert path.read_bytes() == data
        assert server.requests == ["/gone/VOCfake.tar", "/mirror/VOCfake.tar"]
    finally:
        server.close()


def test_fetch_retries_a_failed_download(tmp_path, payload):
    data, archive = payload
    server = _Server({"/voc/VOCfake.tar": data}, fail_first=1)
    try:
        fetch_archive(archive, tmp_path, mirrors=[server.base + "/voc/"], retries=1, progressbar=False)
        assert len(server.requests) == 2
    finally:
        server.close()


def test_a_corrupted_download_fails_its_checksum_and_is_removed(tmp_path, payload):
    data, archive = payload
    server = _Server({"/voc/VOCfake.tar": data[:-10] + b"corrupted!"})
    try:
        with pytest.raises(DownloadError, match="(?i)md5.*does not match") as error:
            fetch_archive(archive, tmp_path, mirrors=[server.base + "/voc/"], retries=0, progressbar=False)
    finally:
        server.close()
    assert "VOCfake.tar" in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_a_corrupted_copy_on_disk_is_replaced(tmp_path, payload):
    data, archive = payload
    (tmp_path / "VOCfake.tar").write_bytes(b"half a download")
    server = _Server({"/voc/VOCfake.tar": data})
    try:
        path = fetch_archive(archive, tmp_path, mirrors=[server.base + "/voc/"], progressbar=False)
    finally:
        server.close()
    assert path.read_bytes() == data


def test_offline_error_names_the_file_where_to_put_it_and_the_tiny_profile(tmp_path, payload):
    _, archive = payload
    with pytest.raises(DownloadError) as error:
        fetch_archive(archive, tmp_path, mirrors=[_closed_port_url(), _closed_port_url()],
                      retries=0, progressbar=False)
    message = str(error.value)
    assert "VOCfake.tar" in message
    assert str(tmp_path / "VOCfake.tar") in message
    assert "VOC_ROOT" in message and "VOC_PROFILE=tiny" in message
    assert len(set(re.findall(r"127\.0\.0\.1:\d+", message))) == 2  # both mirrors named
