"""Offset units and channel targets: pure functions, no worker."""

from __future__ import annotations

import numpy as np
import pytest

import thought_anchors_client as ta
from thought_anchors_client import channel


def test_offsets_convert_between_utf16_and_code_points():
    text = "a𝑥b🙂c"  # two characters outside the BMP
    assert ta.to_utf16(text, range(len(text) + 1)).tolist() == [0, 1, 3, 4, 6, 7]
    assert ta.to_codepoint(text, [0, 1, 2, 3, 4, 5, 6, 7]).tolist() == [0, 1, 1, 2, 3, 3, 4, 5]  # 2, 5: inside a pair
    for i in range(len(text) + 1):  # the UTF-16 offset of a prefix is its length in UTF-16
        assert ta.to_utf16(text, [i])[0] == len(text[:i].encode("utf-16-le")) // 2
    plain = "no surrogates here"
    assert np.array_equal(ta.to_utf16(plain, range(19)), np.arange(19))
    with pytest.raises(ValueError, match="code-point offsets"):
        ta.to_utf16(text, [6])
    with pytest.raises(ValueError, match="UTF-16 offsets"):
        ta.to_codepoint(text, [8])


def test_targets_for_one_or_several_workers():
    assert channel.target("gpu-box:50051") == "dns:///gpu-box:50051"
    assert channel.target(["[::1]:7"]) == "dns:///[::1]:7"
    assert channel.target("dns:///workers.svc:50051") == "dns:///workers.svc:50051"
    assert channel.target("127.0.0.1:5, 127.0.0.2:6") == "ipv4:127.0.0.1:5,127.0.0.2:6"
    assert channel.target(["[::1]:5", "[::1]:6"]) == "ipv6:[::1]:5,[::1]:6"
    with pytest.raises(ValueError, match="one address family"):
        channel.target(["127.0.0.1:5", "[::1]:6"])


@pytest.mark.parametrize("bad", ["gpu-box", "gpu-box:0", "gpu-box:70000", ":50051", "::1:5", "host:port"])
def test_bad_addresses_are_refused_with_the_expected_form(bad):
    with pytest.raises(ValueError, match="host:port"):
        channel.target(bad)


def test_retry_settings_are_checked():
    with pytest.raises(ValueError, match="max_attempts"):
        ta.connect("localhost:1", max_attempts=9)
    with pytest.raises(ValueError, match="backoff"):
        ta.connect("localhost:1", initial_backoff=2.0, max_backoff=1.0)
