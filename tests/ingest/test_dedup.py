from __future__ import annotations

import random
import textwrap
import time
from itertools import combinations

import pytest

from geobrief.ingest.dedup import (
    DEFAULT_MAX_DISTANCE,
    MAX_SEARCHABLE,
    StoryIndex,
    cluster,
    hamming,
    jaccard,
    near_pairs,
    shingles,
    simhash,
)
from geobrief.ingest.reader import article_from_text
from geobrief.model import Article

WIRE = """\
SEOUL, Oct 18 (Wire) - North Korea has sent troops to Russia to support its war against Ukraine, South Korea's
National Intelligence Service said on Friday, in what officials in Seoul described as a grave security threat to
the region and to the international community.

The spy agency said about 1,500 special forces soldiers had been moved by Russian navy transport ships from the
port of Chongjin to Vladivostok between Oct. 8 and Oct. 13, and that more troops were expected to follow in the
coming weeks. The soldiers were issued Russian military uniforms and weapons and forged identity documents so that
they could pass as residents of Siberian regions, the agency said in a statement.

President Yoon Suk Yeol convened an emergency security meeting on Friday morning. His office said the deployment
marked a dangerous turn in military cooperation between Pyongyang and Moscow that went beyond arms transfers and
posed a significant threat to the security of South Korea and of the wider world. Seoul would not stand idly by,
a presidential spokesperson said, and would work with its allies to respond with all available measures.

The Kremlin said it had no information about any deployment and dismissed the reports as another fabrication.
North Korea's mission to the United Nations did not respond to a request for comment. Pyongyang has previously
denied supplying Russia with weapons, although Ukraine says it has found North Korean artillery shells and
ballistic missiles on the battlefield and in the wreckage of strikes on its cities.

Ukrainian President Volodymyr Zelenskiy said earlier this week that his intelligence services had information that
North Korea was preparing to send as many as 10,000 soldiers to the front. He called on Western partners to react
firmly, saying the war was turning into something larger than a conflict between two countries.

Russia and North Korea signed a mutual defence treaty in June when President Vladimir Putin visited Pyongyang for
the first time in 24 years. Each side pledged to provide immediate military assistance if the other came under
attack. Analysts in Seoul said the deployment would give the North's army its first combat experience in decades
and could earn Pyongyang advanced military technology, food and hard currency in return.

The United States said it could not yet confirm the reports. A State Department spokesperson said that if true,
the move would mark a dangerous development and would deepen North Korea's involvement in the war. NATO's secretary
general said the alliance was consulting closely with partners in the Indo-Pacific, including South Korea and Japan.
"""


def _rewrapped(text: str, width: int = 110) -> str:
    """``text`` as another outlet runs it: other line breaks, stray spaces and one sentence added."""
    body = (
        " ".join(text.split())
        .replace(" - ", " -  ", 1)
        .replace("in return.", "in return. Japan's chief cabinet secretary said Tokyo was gravely concerned.")
    )
    return textwrap.fill(body, width)


EDITED = _rewrapped(WIRE)

OTHER = """\
MANILA, Oct 18 (Wire) - A Chinese coast guard ship fired a water cannon at a Philippine fisheries vessel near
Scarborough Shoal on Friday, damaging its mast and communications equipment, the Philippine coast guard said.

The Philippine vessel was on a routine patrol to support Filipino fishermen in the area, a spokesperson said, adding
that no one was hurt. China's coast guard said it had expelled the vessel in accordance with the law after it
intruded into Chinese waters, and urged Manila to stop its provocations.

Scarborough Shoal, one of the region's richest fishing grounds, has been a flashpoint since China seized it in 2012.
An international arbitration tribunal ruled in 2016 that China's expansive claims in the South China Sea had no legal
basis, a ruling Beijing rejects. The United States said it stood with its ally and reaffirmed that its mutual defence
treaty with the Philippines extends to armed attacks on Philippine public vessels anywhere in the South China Sea.
"""


def _article(text: str, title: str, source: str) -> Article:
    art = article_from_text(text)
    return Article(id=art.id, body=art.body, title=title, source=source)


def test_simhash_is_64_bit_and_stable() -> None:
    h = simhash(WIRE)
    assert 0 < h < 2**64
    assert simhash(WIRE) == h
    assert simhash("") == 0 and simhash("  ,.;  ") == 0


def test_whitespace_case_and_punctuation_do_not_change_the_hash() -> None:
    assert simhash(WIRE) == simhash(" ".join(WIRE.split()).upper().replace(",", " , "))


def test_hamming() -> None:
    assert hamming(0, 0) == 0
    assert hamming(0b1011, 0b0001) == 2
    assert hamming(0, 2**64 - 1) == 64


def test_a_lightly_edited_copy_is_the_same_story() -> None:
    index = StoryIndex()
    first = index.assign(_article(WIRE, "North Korea sends troops to Russia, Seoul says", "Wire"))
    copy = index.assign(_article(EDITED, "Seoul: Pyongyang troops in Russia", "Daily Paper"))
    assert hamming(first.simhash, copy.simhash) <= DEFAULT_MAX_DISTANCE
    assert copy.story_id == first.story_id == first.article_id
    assert copy.duplicate_of == first.article_id
    assert index.members(first.story_id) == [first.article_id, copy.article_id]  # both sources kept


def test_two_different_stories_are_not_one() -> None:
    index = StoryIndex(max_distance=MAX_SEARCHABLE)  # even the loosest searchable distance keeps them apart
    a = index.assign(_article(WIRE, "A", "Wire"))
    b = index.assign(_article(OTHER, "B", "Wire"))
    assert a.story_id != b.story_id
    assert hamming(a.simhash, b.simhash) > 2 * MAX_SEARCHABLE


def test_assigning_an_article_twice_keeps_its_story() -> None:
    index = StoryIndex()
    art = _article(WIRE, "A", "Wire")
    assert index.assign(art).story_id == index.assign(art).story_id
    assert len(index) == 1


def test_rebuilt_index_keeps_stored_stories() -> None:
    index = StoryIndex.from_rows([("a1", "s1", simhash(WIRE)), ("a2", "s2", simhash(OTHER))])
    assert index.story_of("a1") == "s1"
    assert index.assign(_article(EDITED, "C", "Paper")).story_id == "s1"


def _planted(n: int, seed: int) -> dict[str, int]:
    """Random hashes, a third of them with near copies 0-7 bits away."""
    rng = random.Random(seed)
    hashes: dict[str, int] = {}
    for i in range(n):
        h = rng.getrandbits(64)
        hashes[f"a{i:04d}"] = h
        if i % 3 == 0:
            flips = rng.sample(range(64), rng.randint(0, 7))
            hashes[f"b{i:04d}"] = h ^ sum(1 << b for b in flips)
    return hashes


@pytest.mark.parametrize("max_distance", [0, 1, 3, 4, 7])
def test_banding_finds_every_pair_brute_force_finds(max_distance: int) -> None:
    hashes = _planted(300, seed=max_distance)
    brute = {
        (a, b) if a < b else (b, a) for a, b in combinations(hashes, 2) if hamming(hashes[a], hashes[b]) <= max_distance
    }
    assert brute  # the planted copies make the comparison meaningful
    assert near_pairs(hashes, max_distance) == brute
    index = StoryIndex(max_distance)
    for aid, h in hashes.items():
        index.add(aid, h)
    assert {(min(a, b), max(a, b)) for a in hashes for b, _ in index.near(hashes[a]) if a != b} == brute


def test_distance_beyond_what_banding_can_search_is_refused() -> None:
    with pytest.raises(ValueError, match="give 0 to 7"):
        StoryIndex(max_distance=8)


def test_lookups_stay_fast_for_100_000_articles() -> None:
    rng = random.Random(1)
    index = StoryIndex()
    for i in range(100_000):
        index.add(f"a{i}", rng.getrandbits(64))
    probe = [rng.getrandbits(64) for _ in range(1000)]
    started = time.perf_counter()
    for h in probe:
        index.near(h)
    assert time.perf_counter() - started < 1.0  # about 2 candidates a lookup, not 100,000


def test_shingles() -> None:
    assert shingles("One, two THREE four") == ["one two three", "two three four"]
    assert shingles("Just two") == ["just two"]
    assert shingles("...") == []
    assert jaccard({"a", "b"}, {"b", "c"}) == pytest.approx(1 / 3)
    assert jaccard(set(), set()) == 0.0


def test_cluster_groups_related_articles_by_shingle_overlap() -> None:
    wire, edited, other = (_article(t, "t", "s") for t in (WIRE, EDITED, OTHER))
    half = _article("\n\n".join(WIRE.split("\n\n")[:4]) + "\n\nA new closing paragraph on talks.", "t", "s")
    groups = cluster([wire, other, edited, half], threshold=0.4)
    assert [[a.id for a in g] for g in groups] == [[wire.id, edited.id, half.id], [other.id]]
    assert len(cluster([wire, edited, half, other], threshold=0.99)) == 4
    with pytest.raises(ValueError):
        cluster([wire], threshold=0)
