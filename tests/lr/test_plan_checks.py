"""Schedules that cannot run as written are ConfigErrors naming key and value; lints warn the rest."""

from __future__ import annotations

import pytest

from ppwarm.errors import ConfigError
from ppwarm.lr.plan import resolve_plan


def plan_for(make_config, data, batches=10, devices=1):
    return resolve_plan(make_config(data), devices=devices, batches_per_epoch=batches)


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (
            {"epochs": 5, "lr": {"warmup": {"epochs": 5}}},
            "lr.warmup.epochs = 5: the warmup (50 steps) is longer",
        ),
        (
            {"epochs": 5, "lr": {"warmup": {"steps": 60}}},
            "lr.warmup.steps = 60: the warmup (60 steps) is longer",
        ),
        ({"epochs": 5, "lr": {"warmup": {"epochs": 3}, "plateau_epochs": 2}}, "lr.warmup.epochs = 3"),
        ({"epochs": 5, "lr": {"plateau_epochs": 5}}, "lr.plateau_epochs = 5: the plateau (50 steps)"),
        (
            {
                "epochs": 10,
                "lr": {"warmup": {"epochs": 3}, "decay": {"type": "piecewise", "milestones": [2, 6]}},
            },
            "milestone 2 (step 20) is inside the warmup (30 steps)",
        ),
        (
            {
                "epochs": 10,
                "lr": {"warmup": {"epochs": 3}, "decay": {"type": "piecewise", "milestones": [3, 6]}},
            },
            "milestone 3 (step 30) is inside the warmup",
        ),
        (
            {
                "epochs": 10,
                "lr": {"warmup": {"epochs": 1}, "decay": {"type": "piecewise", "milestones": [6, 4]}},
            },
            "lr.decay.milestones = [6, 4]: must be in strictly increasing order",
        ),
        (
            {
                "epochs": 10,
                "lr": {
                    "warmup": {"epochs": 1},
                    "plateau_epochs": 2,
                    "decay": {"type": "piecewise", "milestones": [6, 9]},
                },
            },
            "milestone 9 (step 90) is after the decay ends (step 80",
        ),
        (
            {"epochs": 10, "lr": {"decay": {"type": "piecewise", "milestones": []}}},
            "lr.decay.milestones = []",
        ),
        (
            {"lr": {"base": 0.01, "warmup": {"epochs": 1, "start_lr": 0.05}}},
            "lr.warmup.start_lr = 0.05: above",
        ),
        (
            {"epochs": 3, "lr": {"warmup": {"steps": 0}, "decay": {"type": "cosine_restarts", "cycles": 4}}},
            "lr.decay.cycles = 4: 30 decay steps give cycles of 7.5 steps",
        ),
    ],
)
def test_impossible_schedules_name_key_and_value(make_config, data, needle):
    with pytest.raises(ConfigError) as err:
        plan_for(make_config, data)
    assert needle in str(err.value)


def test_empty_training_set_is_an_error(make_config):
    with pytest.raises(ConfigError, match="0 batches per epoch"):
        resolve_plan(make_config({}), batches_per_epoch=0)


def test_start_lr_above_peak_after_scaling_down(make_config):
    """start_lr is compared with the SCALED peak: 0.01 x 8/64 = 0.00125 < 0.002."""
    data = {"batch_size": 8, "reference_batch": 64, "lr": {"base": 0.01, "warmup": {"start_lr": 0.002}}}
    with pytest.raises(ConfigError, match=r"above the peak LR 0\.00125"):
        plan_for(make_config, data, batches=100)


def test_start_lr_equal_to_the_peak_is_refused_too(make_config):
    """A warmup that would not rise: every warmup is a Paddle LinearWarmup, which needs start < peak."""
    data = {"reference_batch": None, "lr": {"base": 0.01, "warmup": {"start_lr": 0.01, "type": "cosine"}}}
    with pytest.raises(ConfigError, match=r"lr\.warmup\.start_lr = 0\.01: equal to the peak LR 0\.01;"):
        plan_for(make_config, data, batches=100)
    data["lr"]["warmup"] = {"type": "none", "start_lr": 0.01}
    assert plan_for(make_config, data, batches=100).warmup_steps == 0, "no warmup: nothing to check"


def warnings_of(make_config, data, batches=100, devices=1):
    return plan_for(make_config, data, batches, devices).warnings


def test_clean_plan_has_no_warnings(make_config):
    assert warnings_of(make_config, {"epochs": 100, "lr": {"warmup": {"epochs": 3}}}) == ()


def test_lint_warmup_over_a_tenth(make_config):
    (msg,) = warnings_of(make_config, {"epochs": 20, "lr": {"warmup": {"epochs": 3}}})
    assert msg.startswith("warmup is 300 of 2000 steps (15%)")


def test_lint_short_run_long_warmup(make_config):
    found = warnings_of(make_config, {"epochs": 19, "lr": {"warmup": {"steps": 600}}})
    assert any("1900 steps (< 2000) with a 600-step warmup" in w for w in found)


def test_lint_adam_zero_start_and_short_warmup(make_config):
    found = warnings_of(make_config, {"optimizer": {"type": "adamw"}, "lr": {"warmup": {"epochs": 3}}})
    assert any("start_lr = 0 with adamw" in w for w in found)
    assert any("2/(1-beta2) = 2000 steps" in w for w in found)
    ok = warnings_of(
        make_config,
        {
            "epochs": 300,
            "optimizer": {"type": "adamw", "beta2": 0.99},
            "lr": {"warmup": {"epochs": 3, "start_lr": 1e-6}},
        },
    )
    assert ok == ()


def test_lint_scale_factor_beyond_eight(make_config):
    data = {"batch_size": 64, "reference_batch": 8, "lr": {"warmup": {"epochs": 3}}}
    assert any("factor of 16 " in w for w in warnings_of(make_config, data, devices=2))
    assert warnings_of(make_config, data, devices=1) == ()  # exactly 8 is allowed


def test_an_accepted_advisory_is_a_reason_not_a_warning(make_config):
    data = {
        "epochs": 2,
        "optimizer": {"type": "adamw"},
        "lr": {"warmup": {"steps": 10, "start_lr": 1e-5}},
    }
    plain = resolve_plan(make_config(data), devices=1, batches_per_epoch=100)
    (advisory,) = [w for w in plain.warnings if "2/(1-beta2)" in w]
    data["lr"]["accept_advisories"] = ["adam_short_warmup"]
    accepted = resolve_plan(make_config(data), devices=1, batches_per_epoch=100)
    assert advisory not in accepted.warnings
    assert f"accepted by lr.accept_advisories (adam_short_warmup): {advisory}" in accepted.reasons
    assert [w for w in plain.warnings if w != advisory] == list(accepted.warnings)


def test_accept_advisories_names_only_known_rules(make_config):
    with pytest.raises(ConfigError, match=r"lr\.accept_advisories"):
        make_config({"lr": {"accept_advisories": ["adam_short_warmpu"]}})
