import numpy as np

from refinevad.synth import Generator, SynthParams


def test_seeds_draw_new_videos_of_the_same_world():
    a, b = Generator(SynthParams(dim=32), seed=1), Generator(SynthParams(dim=32), seed=2)
    assert np.array_equal(a.directions, b.directions) and np.array_equal(a.scene_basis, b.scene_basis)
    assert not np.array_equal(a.video(True)[0][:5], b.video(True)[0][:5])
    other_world = Generator(SynthParams(dim=32, world_seed=5), seed=1)
    assert not np.array_equal(a.directions, other_world.directions)


def test_anomalous_videos_carry_labelled_intervals_and_normal_videos_none():
    gen = Generator(SynthParams(dim=32, max_segments=200), seed=0)
    for _ in range(20):
        x, labels, category = gen.video(anomalous=True)
        assert x.dtype == np.float32 and category in gen.p.categories
        assert 3 <= labels.sum() <= 0.7 * len(labels) + 1
        x, labels, category = gen.video(anomalous=False)
        assert category is None and labels.sum() == 0 and 32 <= len(x) <= 200
