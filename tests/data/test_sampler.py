"""EpochBatchSampler: exact orders, sharding and padding, the multi-rank equivalence, resume, DataLoader."""

from __future__ import annotations

import numpy as np
import paddle
import pytest

from ppwarm.data.sampler import EpochBatchSampler


def batches(num_samples: int, batch_size: int, epoch: int = 0, start_batch: int = 0, **kw) -> list[list[int]]:
    """All batches one iteration of a fresh sampler yields after ``set_epoch(epoch, start_batch)``."""
    sampler = EpochBatchSampler(num_samples, batch_size, **kw)
    sampler.set_epoch(epoch, start_batch)
    return list(sampler)


def per_rank(num_samples: int, batch_size: int, world_size: int, **kw) -> list[list[list[int]]]:
    """The batches of every rank, indexed ``[rank][batch]``."""
    return [batches(num_samples, batch_size, rank=r, world_size=world_size, **kw) for r in range(world_size)]


def chunks(values: list[int], size: int) -> list[list[int]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


class IndexDataset(paddle.io.Dataset):
    """Item i is ``int64(i)``: what a loader yields is exactly the indices it was asked for."""

    def __init__(self, length: int) -> None:
        super().__init__()
        self.length = length

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, index: int) -> np.ndarray:
        return np.array(index, dtype=np.int64)


# ---- global order ----------------------------------------------------------------------------------------


def test_shuffled_order_is_the_seeded_permutation():
    expected = np.random.default_rng([5, 3]).permutation(12).tolist()
    assert batches(12, 4, epoch=3, seed=5) == chunks(expected, 4)


def test_order_is_identical_across_instances_and_ignores_global_rng():
    np.random.seed(0)
    paddle.seed(0)
    first = batches(20, 3, epoch=2, seed=11)
    np.random.seed(99)
    paddle.seed(99)
    np.random.permutation(50)
    assert batches(20, 3, epoch=2, seed=11) == first


def test_epochs_and_seeds_change_the_order():
    base = batches(20, 20, epoch=0, seed=1)[0]
    assert batches(20, 20, epoch=1, seed=1)[0] != base
    assert batches(20, 20, epoch=0, seed=2)[0] != base
    assert sorted(base) == list(range(20))


def test_without_shuffle_the_order_is_the_identity_in_every_epoch():
    expected = [[0, 1, 2], [3, 4, 5], [6]]
    assert batches(7, 3, epoch=0, shuffle=False) == expected
    assert batches(7, 3, epoch=4, shuffle=False, seed=3) == expected


def test_iterating_twice_gives_the_same_batches():
    sampler = EpochBatchSampler(15, 4, seed=7)
    sampler.set_epoch(3, start_batch=1)
    first = list(sampler)
    assert list(sampler) == first
    assert len(first) == 3
    assert (sampler.epoch, sampler.start_batch) == (3, 1)


def test_epoch_and_start_batch_are_read_only():
    sampler = EpochBatchSampler(8, 2)
    with pytest.raises(AttributeError):
        sampler.epoch = 1
    with pytest.raises(AttributeError):
        sampler.start_batch = 1


# ---- sharding, padding, drop_last --------------------------------------------------------------------------


def test_uneven_shards_are_padded_with_the_start_of_the_order():
    # order 0..9 padded to 0..9,0,1; rank r takes order[r::3]
    assert per_rank(10, 2, 3, shuffle=False) == [
        [[0, 3], [6, 9]],
        [[1, 4], [7, 0]],
        [[2, 5], [8, 1]],
    ]
    assert [len(EpochBatchSampler(10, 2, rank=r, world_size=3)) for r in range(3)] == [2, 2, 2]


def test_partial_last_batch_is_kept_unless_drop_last():
    assert per_rank(10, 3, 3, shuffle=False) == [[[0, 3, 6], [9]], [[1, 4, 7], [0]], [[2, 5, 8], [1]]]
    assert len(EpochBatchSampler(10, 3, world_size=3)) == 2


def test_drop_last_truncates_the_order_and_drops_the_partial_batch():
    # shard length floor(10 / 3) = 3: ranks get [0,3,6], [1,4,7], [2,5,8]; batch 2 keeps one full batch
    assert per_rank(10, 2, 3, shuffle=False, drop_last=True) == [[[0, 3]], [[1, 4]], [[2, 5]]]
    assert len(EpochBatchSampler(10, 2, world_size=3, drop_last=True)) == 1
    assert batches(10, 3, shuffle=False, drop_last=True) == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
    assert len(EpochBatchSampler(10, 3, drop_last=True)) == 3


def test_fewer_samples_than_ranks_repeats_the_order_cyclically():
    assert per_rank(2, 1, 3, shuffle=False) == [[[0]], [[1]], [[0]]]
    assert per_rank(2, 1, 3, shuffle=False, drop_last=True) == [[], [], []]


def test_shuffled_padding_repeats_the_start_of_the_shuffled_order():
    order = np.random.default_rng([4, 1]).permutation(10).tolist()
    padded = order + order[:2]
    shards = per_rank(10, 4, 3, epoch=1, seed=4)
    assert shards == [[padded[r::3]] for r in range(3)]  # 4 indices per rank: one batch of 4


@pytest.mark.parametrize(("num_samples", "world_size", "batch_size"), [(12, 3, 2), (12, 4, 5), (30, 2, 7)])
def test_every_sample_once_per_epoch_over_all_ranks(num_samples, world_size, batch_size):
    shards = per_rank(num_samples, batch_size, world_size, epoch=2, seed=9)
    seen = [i for rank in shards for batch in rank for i in batch]
    assert sorted(seen) == list(range(num_samples))


@pytest.mark.parametrize(("world_size", "batch_size"), [(2, 3), (4, 2), (3, 1)])
def test_union_over_ranks_equals_the_single_rank_global_batch(world_size, batch_size):
    num_samples = world_size * batch_size * 5
    single = batches(num_samples, world_size * batch_size, epoch=6, seed=21)
    shards = per_rank(num_samples, batch_size, world_size, epoch=6, seed=21)
    assert all(len(rank) == len(single) == 5 for rank in shards)
    for k, global_batch in enumerate(single):
        union = [i for rank in shards for i in rank[k]]
        assert len(union) == len(global_batch)
        assert sorted(union) == sorted(global_batch)


# ---- resume -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kw", [{}, {"world_size": 3, "rank": 1}, {"drop_last": True, "world_size": 2}])
def test_start_batch_yields_the_tail_of_a_full_iteration(kw):
    full = batches(23, 3, epoch=4, seed=2, **kw)
    for k in range(len(full) + 1):
        assert batches(23, 3, epoch=4, start_batch=k, seed=2, **kw) == full[k:]


def test_start_batch_persists_until_the_next_set_epoch_and_len_ignores_it():
    sampler = EpochBatchSampler(10, 2, seed=3)
    sampler.set_epoch(1, start_batch=3)
    tail = list(sampler)
    assert len(tail) == 2 and len(sampler) == 5
    assert list(sampler) == tail
    sampler.set_epoch(2)
    assert len(list(sampler)) == 5


def test_batches_are_fixed_when_iteration_starts():
    sampler = EpochBatchSampler(8, 2, seed=1)
    sampler.set_epoch(0)
    expected = list(sampler)
    iterator = iter(sampler)
    sampler.set_epoch(5, start_batch=2)
    assert list(iterator) == expected


# ---- validation -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"num_samples": 0}, "num_samples=0"),
        ({"batch_size": 0}, "batch_size=0"),
        ({"rank": 2, "world_size": 2}, "rank=2"),
        ({"rank": -1}, "rank=-1"),
        ({"world_size": 0}, "world_size=0"),
        ({"seed": -3}, "seed=-3"),
    ],
)
def test_constructor_rejects_bad_arguments(kw, message):
    args = {"num_samples": 10, "batch_size": 2, **kw}
    with pytest.raises(ValueError, match=message):
        EpochBatchSampler(**args)


def test_set_epoch_rejects_out_of_range_values():
    sampler = EpochBatchSampler(10, 3)  # 4 batches
    sampler.set_epoch(0, start_batch=4)
    assert list(sampler) == []
    with pytest.raises(ValueError, match="start_batch=5"):
        sampler.set_epoch(0, start_batch=5)
    with pytest.raises(ValueError, match="start_batch=-1"):
        sampler.set_epoch(0, start_batch=-1)
    with pytest.raises(ValueError, match="epoch=-1"):
        sampler.set_epoch(-1)
    assert sampler.start_batch == 4


# ---- DataLoader -------------------------------------------------------------------------------------------


def loader_indices(sampler: EpochBatchSampler, length: int) -> list[list[int]]:
    loader = paddle.io.DataLoader(IndexDataset(length), batch_sampler=sampler, num_workers=0)
    assert len(loader) == len(sampler)
    return [batch.numpy().tolist() for batch in loader]


def test_dataloader_yields_the_sampler_batches_in_order():
    sampler = EpochBatchSampler(11, 3, seed=8, rank=1, world_size=2)
    sampler.set_epoch(2)
    expected = list(sampler)
    assert expected[0] != sorted(expected[0])
    assert loader_indices(sampler, 11) == expected


def test_dataloader_resumes_from_start_batch():
    sampler = EpochBatchSampler(11, 3, seed=8)
    sampler.set_epoch(2)
    full = list(sampler)
    sampler.set_epoch(2, start_batch=2)
    assert loader_indices(sampler, 11) == full[2:]
