"""Regenerate the book's benchmarks appendix from a results file written by ``run.py``.

    python benchmarks/report.py [benchmarks/results/full.json]

Writes ``book/appendix_benchmarks.md`` and its figures in ``book/images/benchmarks/``. The page
is generated: edit this file, not the page.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from run import (  # noqa: E402  (run.py imports this module inside its main() only)
    DEFAULT_BUDGET,
    LARGER_DIGITS,
    PENALTY_VARIANTS,
    STEPS,
    TARGETS,
    check,
    default_label,
    digit_base,
    digit_classifiers,
    digit_misses,
    recipe_key,
    recipe_verdicts,
    run_seconds,
    seconds_per_step,
    steps_to_targets,
    toy_misses,
    training_seconds,
)

from ganbook_lib.bench import REFERENCE_GFLOPS  # noqa: E402

PAGE = ROOT / "book" / "appendix_benchmarks.md"
FIGURES = ROOT / "book" / "images" / "benchmarks"

# Published results on the same protocol (2,500 samples; a sample is high-quality within 3
# standard deviations of its nearest centre). Each row: method, modes, high-quality share, key.
PUBLISHED = {
    # PacGAN: Table 1 of lin2018pacgan (means of 10 trials); GDPP: Table 1 of elfeki2019gdpp
    "ring": [
        ("GDPP", 8.0, 0.717, "elfeki2019gdpp"),
        ("PacGAN4", 7.8, 0.959, "lin2018pacgan"),
    ],
    "grid": [
        ("GDPP", 24.8, 0.685, "elfeki2019gdpp"),
        ("PacGAN4", 24.8, 0.936, "lin2018pacgan"),
    ],
}


def _length(results, data) -> str:
    """How long each run of ``data`` trained: fixed steps (issue 9 on), or the wall-time budget
    of results measured before."""
    if "steps" in results:
        return f"{results['steps'][data]:,} generator steps"
    return f"{results['budgets'][data]} s"


def _mean(values):
    values = list(values)
    return sum(values) / len(values)


def _spread(row) -> str:
    """A row's spread over the data's sigma (metrics.mode_coverage): per axis (x / y) when it
    was measured, else the median over both axes of runs measured before."""
    axes = row.get("spread_axes")
    if axes is not None:
        return " / ".join(f"{a:.2f}" for a in axes)
    value = row.get("spread")
    return "" if value is None else f"{value:.2f}"


def _reverse_kl(row) -> str:
    value = row.get("reverse_kl")
    return "" if value is None else f"{value:.3f}"


def _toy_verdict(final, real, data) -> str:
    misses = toy_misses(final, real, TARGETS["full"], data)
    return "yes" if not misses else "no: " + "; ".join(misses)


def _toy_rows(results, data):
    rows = []
    n_modes = 25 if data == "grid" else 8
    for method, modes, hq, key in PUBLISHED[data]:
        rows.append(
            f"| {method} {{cite}}`{key}` | {modes:g} / {n_modes} | {hq:.1%} | | | published | |"
        )
    real = results.get(f"{data}_real")
    if real:
        rows.append(
            f"| real data, {real['n']:,} points | {real['modes']} / {real['n_modes']} | "
            f"{real['high_quality']:.1%} | {_spread(real)} | {_reverse_kl(real)} | | |"
        )
    for key, label in ((data, "this book"), (f"{data}_no_clusters", "without clusters")):
        runs = results.get(key, [])
        for r in runs:
            f = r["final"]
            rows.append(
                f"| {label}, seed {r['seed']} | {f['modes']} / {f['n_modes']} | "
                f"{f['high_quality']:.1%} | {_spread(f)} | {_reverse_kl(f)} | "
                f"{r['seconds']} s, {r['steps']} steps | {_toy_verdict(f, real, data)} |"
            )
        if runs:
            bold = "**" if key == data else ""
            rows.append(
                f"| {bold}{label}, mean of {len(runs)}{bold} | "
                f"{bold}{_mean(r['final']['modes'] for r in runs):.1f} / "
                f"{runs[0]['final']['n_modes']}{bold} | "
                f"{bold}{_mean(r['final']['high_quality'] for r in runs):.1%}{bold} | | | | |"
            )
    return rows


def _toy_recipes_text(recipes: dict) -> str:
    """What the 2-D recipes as run add to plain training: clusters and penalties."""
    clustered = [d for d in ("ring", "grid") if (recipes.get(d) or {}).get("clusters")]
    penalised = [d for d in ("ring", "grid") if (recipes.get(d) or {}).get("r1_weight")]
    text = ""
    if clustered:
        k = recipes[clustered[0]]["clusters"]
        text += (
            f" Our {' and '.join(clustered)} recipe{'s are' if len(clustered) > 1 else ' is'} "
            "self-conditioned {cite}`liu2020selfconditioned`: "
            f"{'each' if len(clustered) > 1 else 'it'} splits the training points into {k} "
            "clusters by k-means, trains a GAN conditioned on the cluster, and samples a cluster "
            "in proportion to its size; no labels are used. The rows *without clusters* train "
            "the same recipe without them."
        )
    if penalised:
        r = recipes[penalised[0]]
        text += (
            f" The {' and '.join(penalised)} recipe{'s add' if len(penalised) > 1 else ' adds'} "
            f"the zero-centred R1 and R2 gradient penalties (gamma = {r['r1_weight']:g}; chapter "
            "4's section on relativistic pairing) to the standard non-saturating loss."
            if r.get("r2_weight")
            else f" The {' and '.join(penalised)} recipe adds the R1 penalty."
        )
    return text


def _toy_targets_text() -> str:
    t = TARGETS["full"]
    low, high = t["toy_spread"]
    return (
        "Targets, on every seed at the end of its run: all modes; a high-quality share within "
        f"{100 * t['toy_high_quality_points']:.0f} point of the real data's own (next "
        f"paragraph); a spread per axis between {low} and {high} of the data's σ; and a reverse "
        f"KL divergence of the mode histogram from uniform of at most {t['toy_reverse_kl']} "
        "(`metrics.mode_reverse_kl`: 0 when every mode receives the same share of the "
        "high-quality samples)."
    )


def _plot_curves(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x_key, x_label = (
        ("step", "generator step") if "steps" in results else ("seconds", "training time (s)")
    )
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.4))
    for ax, data in zip(axes[:2], ("ring", "grid")):
        for r in results.get(data, []):
            t = [p[x_key] for p in r["curve"]]
            ax.plot(
                t, [p["high_quality"] for p in r["curve"]], marker="o", label=f"seed {r['seed']}"
            )
        real = results.get(f"{data}_real")
        if real:
            band = TARGETS["full"]["toy_high_quality_points"]
            ax.axhspan(
                real["high_quality"] - band,
                min(1.0, real["high_quality"] + band),
                color="grey",
                alpha=0.25,
                label="target: the data's share ± 1 point",
            )
        ax.set_title(f"{data}: high-quality share")
        ax.set_xlabel(x_label)
        ax.set_ylim(0, 1.02)
        ax.legend(fontsize=8)
    ax = axes[2]
    real = digit_base({}, results.get("mnist5k_real"))[0]
    for key, label, style in (
        ("mnist5k", "this book", "-"),
        ("mnist5k_no_clusters", "no clusters", "--"),
        ("mnist5k_larger", "larger", "-."),
        ("tf_tutorial", "TF tutorial", ":"),
    ):
        for r in results.get(key, []):
            ax.plot(
                [p[x_key] for p in r["curve"]],
                [p["frechet_distance"] for p in r["curve"]],
                style,
                marker="o",
                label=f"{label}, seed {r['seed']}",
            )
    if real is None:
        ax.set_axis_off()
    else:
        fd_ratio = TARGETS["full"]["fd_ratio"]
        ax.axhline(
            fd_ratio * real,
            color="grey",
            ls="--",
            lw=1,
            label=f"target: {fd_ratio} x real (classes at random)",
        )
        ax.set_yscale("log")
    ax.set_title("mnist5k: classifier Fréchet distance")
    ax.set_xlabel(x_label)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _lower_first(text: str) -> str:
    """``text`` with its first letter in lower case, past any Markdown emphasis."""
    i = len(text) - len(text.lstrip("*_"))
    return text[:i] + text[i : i + 1].lower() + text[i + 1 :]


def _classifier_note(results) -> str:
    """Which measuring classifier scored the digit runs: one for the whole page, or a warning."""
    found = digit_classifiers(results)
    if not found:  # runs recorded before the classifier was named
        return ""
    if len(found) == 1:
        (name,) = found
        what = f"weights fingerprint `{name}`" if not name.startswith("real FD") else name
        return (
            "Every digit run on this page was scored by the same measuring classifier "
            f"({what}); the suite checks that, since Fréchet distances from two classifiers lie "
            "in two feature spaces and do not compare."
        )
    return (
        "**The digit runs on this page were scored by different measuring classifiers** ("
        + "; ".join(f"{name}: {', '.join(parts)}" for name, parts in found.items())
        + "), so their Fréchet distances do not compare across those groups."
    )


def _digit_section(results, real) -> list[str]:
    ours = results.get("mnist5k", [])
    fd_base, score_base = _digit_base(real)
    clusters = (results.get("recipes", {}).get("mnist5k") or {}).get("clusters")
    seconds = [r["cluster_seconds"] for r in ours if "cluster_seconds" in r]
    clustering = f"at most {max(seconds):.1f} s" if seconds else "time not recorded"
    lines = [
        "## Digits in two minutes" if "budgets" in results else "## Digits",
        "",
        "The 5,000-digit MNIST subset (`mnist5k`: 4,000 training, 1,000 held-out digits), "
        f"{_length(results, 'mnist5k')} of training. The measuring classifier "
        f"({real['classifier_accuracy']:.1%} accurate on held-out digits) gives the classifier "
        "Fréchet distance (FD, the FID of {cite}`heusel2017fid` with a digit classifier in place "
        "of Inception; lower is better) and the classifier score (the Inception Score of "
        "{cite}`salimans2016improved`, out of 10; higher is better), both of 1,000 samples "
        "against the 4,000 training digits. " + _real_digits_text(real) + " Beside ours, "
        "the recipe "
        "of the official TensorFlow DCGAN tutorial {cite}`tensorflow2024dcgan` (its architecture, "
        "Adam 1e-4, batch 256) "
        + (
            "trained on as many images as ours (a quarter of our steps, at four times our batch). "
            f"That is {_tutorial_share(results)} of the {TUTORIAL_SCHEDULE:,} steps of the "
            "tutorial's own schedule (50 epochs of the 60,000 MNIST digits), so its rows show "
            "where it stands after the same data, not what it reaches"
            + (
                "; the next section trains it for much longer ({ref}`fair-comparison`). "
                if results.get("tf_tutorial_long")
                else " (chapter 8 measures what its full schedule costs). "
            )
            if "steps" in results
            else "trained for the same time. "
        )
        + "Both are unconditional: neither sees "
        "a label. Ours is self-conditioned {cite}`liu2020selfconditioned`: before training it "
        f"splits the training digits into {clusters} clusters by k-means on their pixels "
        f"({clustering}, "
        + ("not counted in the training time" if "steps" in results else "outside the budget")
        + "), trains a GAN conditioned on the cluster, and "
        "samples a cluster in proportion to its size. The rows *without clusters* train the "
        "same recipe without them. " + _larger_digits_text(results) + _classifier_note(results),
        "",
        "| recipe | seed | steps | FD | FD / perfect | FD / split | score | score / perfect | "
        "classes |",
        "|---|---|---|---|---|---|---|---|---|",
        "| real held-out digits, classes at random (a perfect generator) | | | "
        f"{fd_base:.2f} | 1.00 | "
        f"{fd_base / real['frechet_distance']:.2f} | {score_base:.2f} | 1.00 | 10 |",
        f"| real held-out split, 100 of each class | | | {real['frechet_distance']:.2f} | "
        f"{real['frechet_distance'] / fd_base:.2f} | 1.00 | {real['classifier_score']:.2f} | "
        f"{real['classifier_score'] / score_base:.2f} | 10 |",
    ]
    for key, label in (
        ("mnist5k", "this book"),
        ("mnist5k_larger", "this book, larger"),
        ("mnist5k_no_clusters", "this book without clusters"),
        ("tf_tutorial", "TF tutorial"),
    ):
        for r in results.get(key, []):
            f = r["final"]
            fd, score = digit_base(f, real)
            split = _split_fd(r, real)
            lines.append(
                f"| {label} | {r['seed']} | {r['steps']:,} | {f['frechet_distance']:.2f} | "
                f"{f['frechet_distance'] / fd:.2f} | {f['frechet_distance'] / split:.2f} | "
                f"{f['classifier_score']:.2f} | {f['classifier_score'] / score:.2f} | "
                f"{f['classes_present']} |"
            )
    return lines


def _digit_base(real: dict) -> tuple[float, float]:
    """The suite's real-digit FD and score with classes at random (``run.digit_base``); a
    results file from before they were measured cannot be judged, and says how to fix it."""
    fd, score = digit_base({}, real)
    if fd is None or score is None:
        raise ValueError(
            "the real-digit reference has no numbers with classes at random: run "
            "benchmarks/run.py again (any --only part measures it afresh when the results hold "
            "digit runs, e.g. --only step-costs)"
        )
    return fd, score


def _real_digits_text(real: dict) -> str:
    """The two real rows of the digit table, and why the targets take the first."""
    fd, score = _digit_base(real)
    split, t = real["frechet_distance"], TARGETS["full"]
    draws = real.get("frechet_distance_draws", [])
    if draws:
        over_split = sum(x > t["fd_ratio"] * split for x in draws)
        over_own = sum(x > t["fd_ratio"] * fd for x in draws)
        how_many = f", the mean of {len(draws)} draws"
        chance = (
            f"Were the target {t['fd_ratio']}× the split's FD ({t['fd_ratio'] * split:.2f}), as "
            f"on this page until 2026-12-06, a perfect generator would miss it in {over_split} "
            f"of these {len(draws)} draws ({over_split / len(draws):.0%}); at "
            f"{t['fd_ratio']}× their mean ({t['fd_ratio'] * fd:.2f}), in {over_own} "
            f"({over_own / len(draws):.0%}). The column *FD / split* keeps the old ratio in view."
        )
    else:
        how_many, chance = "", "The column *FD / split* keeps the ratio to the split in view."
    return (
        "The *real* rows measure the 1,000 held-out digits the same way. As the split holds "
        f"them, exactly 100 of each class, they have an FD of {split:.2f}. An unconditional "
        "generator's samples do not come in exact class shares: it, or ours, which samples its "
        "clusters in proportion to their sizes, gets each class's count at random, and a set "
        "with another class mix has another feature mean, which the FD counts "
        "({doc}`chapter 9 <09_faq>` measures it). So a perfect generator, one that draws digits "
        "exactly as the data do, scores more. The held-out digits with their class counts "
        "drawn at random (multinomial; each class's digits weighted by its drawn count divided "
        f"by 100, `metrics.random_class_frechet_distance`{how_many}) stand for it, slightly "
        f"above it: they have an FD of {fd:.2f} ({fd / split:.2f}× the split's) and a "
        f"classifier score of {score:.2f} (the split: {real['classifier_score']:.2f}). These "
        f"are the targets' base. On every seed: FD at most {t['fd_ratio']}× {fd:.2f} (that is "
        f"{t['fd_ratio'] * fd:.2f}), score at least {t['score_ratio']:.0%} of {score:.2f}, all "
        "ten classes. " + chance
    )


def _larger_digits_text(results) -> str:
    """What the *larger* rows are, when the suite measured them (part ``mnist5k-larger``)."""
    runs = results.get("mnist5k_larger")
    if not runs:
        return ""
    default = results.get("mnist5k") or runs
    # at the costs per step timed together: the parts were measured on different days
    own, base = training_seconds(results, runs), training_seconds(results, default)
    cost = (
        f": {own / base:.1f} times the default's training time ({{ref}}`timed together "
        "<step-costs>`)"
        if own and base
        else ""
    )
    # described from the recipe the runs recorded, which may predate LARGER_DIGITS's present one
    recipe = runs[0].get("recipe", {})
    plain = (results.get("recipes", {}).get("mnist5k") or default[0].get("recipe")) or {}
    width, d_lr = (
        recipe.get("width", LARGER_DIGITS["width"]),
        recipe.get("d_lr", LARGER_DIGITS["d_lr"]),
    )
    extra = ", both annealed to 0 over the run (cosine)" if recipe.get("cosine_decay") else ""
    betas = [recipe.get(k) for k in ("beta_1", "beta_2")]
    if plain and betas != [plain.get("beta_1"), plain.get("beta_2")]:
        extra += f", Adam's betas ({betas[0]:g}, {betas[1]:g})"
    return (
        "The rows *larger* show what more compute buys: the same recipe with networks "
        f"{_times(width // plain.get('width', 32))} as wide (width {width}), the "
        f"discriminator's learning rate at {d_lr:g} (the generator's stays at "
        f"the recipe's){extra}, for {runs[0]['steps']:,} steps{cost}. "
    )


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _real_fd(run: dict, real: dict) -> float:
    """The real digits' FD with classes at random (``run.digit_base``) measured with the same
    classifier as ``run`` when its metrics carry it (the classifier is trained once per
    machine, so runs from different days may use different ones), else the suite's."""
    fd = digit_base(run["final"], real)[0]
    return _digit_base(real)[0] if fd is None else fd


def _split_fd(run: dict, real: dict) -> float:
    """The held-out split's own FD (100 digits of each class), measured with ``run``'s
    classifier when its metrics carry it: the base the digit targets took before 2026-12-06."""
    return run["final"].get("real_frechet_distance") or real["frechet_distance"]


def _fd_ratio(point, base: float) -> float:
    return point["frechet_distance"] / base


def time_to_target(run: dict, real: dict, target: float = 3.0):
    """The first mark of ``run``'s curve with FD at most ``target`` x the real FD, or None."""
    base = _real_fd(run, real)
    return next((p for p in run["curve"] if _fd_ratio(p, base) <= target), None)


def still_improving(run: dict, real: dict) -> bool:
    """Was the best FD of the last third of the run more than 10 % below the best before?"""
    base, curve = _real_fd(run, real), run["curve"]
    cut = curve[-1]["step"] * 2 / 3
    before = [_fd_ratio(p, base) for p in curve if p["step"] <= cut]
    after = [_fd_ratio(p, base) for p in curve if p["step"] > cut]
    return bool(before and after and min(after) < 0.9 * min(before))


def _fair_runs(results):
    return (
        *(("this book", "-", r) for r in results.get("mnist5k", [])),
        *(("this book, larger", "-.", r) for r in results.get("mnist5k_larger", [])),
        *(("TF tutorial, long", ":", r) for r in results.get("tf_tutorial_long", [])),
    )


def _plot_fair_comparison(results, real, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.8))
    for label, style, r in _fair_runs(results):
        if _step_minutes(results, r) is None:  # not timed with the others
            continue
        ax.plot(
            [_step_minutes(results, r, p["step"]) for p in r["curve"]],
            [_fd_ratio(p, _real_fd(r, real)) for p in r["curve"]],
            style,
            marker="o",
            markersize=3,
            label=f"{label}, seed {r['seed']}",
        )
    ax.axhline(3, color="grey", linestyle="--", linewidth=1, label="FD = 3 x real")  # at random
    fd_ratio = TARGETS["full"]["fd_ratio"]
    ax.axhline(fd_ratio, color="black", linestyle="--", linewidth=1, label=f"target, {fd_ratio} x")
    ax.set_yscale("log")
    ax.set_xlabel("training minutes (costs per step timed together)")
    ax.set_ylabel("FD / FD of real digits, classes at random")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _fair_comparison_section(results, real) -> list[str]:
    long = results["tf_tutorial_long"][0]
    stamp = results.get("reruns", {}).get("tutorial-long", results)
    lines = [
        "",
        "(fair-comparison)=",
        "## The TensorFlow tutorial's recipe, trained longer",
        "",
        "The rows above give the tutorial's recipe as many images as ours, which is a small part "
        "of its own schedule. Here it trains for "
        f"{long['steps']:,} steps of 256 digits ({long['steps'] / TUTORIAL_SCHEDULE:.0%} of the "
        f"{TUTORIAL_SCHEDULE:,} steps of its schedule; {long['seconds'] / 60:.0f} minutes on a "
        f"machine at {stamp['machine']['matmul_gflop_per_s']:.0f} GFLOP/s, measured "
        f"{stamp['started'][:10]}, seed {long['seed']}), and the quality of both recipes is "
        "plotted against training time: the steps taken times the recipe's cost per step, "
        "every recipe timed together in one session ({ref}`step-costs`), so runs measured on "
        "different days compare. Time is training only; measuring the samples is not counted.",
        "",
        "```{figure} images/benchmarks/fair_comparison.png",
        ":name: fig-benchmarks-fair",
        "",
        "Classifier Fréchet distance over the real digits' own (classes at random), against "
        "training time (steps "
        "times the cost per step timed together): this book's mnist5k recipe (solid, three "
        "seeds)"
        + (", its larger version (dash-dotted)" if results.get("mnist5k_larger") else "")
        + " and the TensorFlow "
        "tutorial's recipe trained longer (dotted). The grey dashed line marks 3x real, the "
        "milestone the table times; the black one the target, "
        f"{TARGETS['full']['fd_ratio']}x real.",
        "```",
        "",
        "| recipe | seed | steps | minutes | best FD / real (step) | "
        "final FD / real | first FD ≤ 3x real | best of the last third 10 % below the best "
        "before |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, _, r in _fair_runs(results):
        base = _real_fd(r, real)
        best = min(r["curve"], key=lambda p: p["frechet_distance"])
        hit = time_to_target(r, real)
        reached = (
            f"step {hit['step']:,}, {_minutes_text(_step_minutes(results, r, hit['step']))}"
            if hit
            else f"not within {r['steps']:,} steps"
        )
        lines.append(
            f"| {label} | {r['seed']} | {r['steps']:,} | "
            f"{_minutes_text(_step_minutes(results, r), unit=False)} | "
            f"{_fd_ratio(best, base):.1f} ({best['step']:,}) | "
            f"{_fd_ratio(r['curve'][-1], base):.1f} | {reached} | "
            f"{'yes' if still_improving(r, real) else 'no'} |"
        )
    note = _classifier_note(results)
    lines += [
        "",
        "Each FD is divided by the real held-out digits' FD with their classes at random (what "
        "a perfect generator scores; the digits' section above), measured with the same "
        "classifier as the run" + ("; " + _lower_first(note) if note else ".") + " Minutes are "
        "at the costs per "
        f"step timed together ({_costs_machine(results)}). The "
        "last column asks whether the run was still getting better at "
        "its end: whether the best FD of its last third of steps was more than 10 % below the "
        "best before.",
    ]
    return lines


def _loss_recipes_section(results) -> list[str]:
    """Chapter 4's losses with their authors' settings: one row per recipe and seed."""
    from ganbook_lib.chapters.algorithm import PAPER_RECIPES

    table = results["loss_recipes"]
    stamp = results.get("reruns", {}).get("loss-recipes", results)
    marks = [p["step"] for p in table["runs"][0]["curve"]]

    def settings(options):
        rates = options.get("rates", (1e-3, 2e-3))
        betas = options.get("betas", (0.5, 0.999))
        parts = [
            f"G {rates[0]:g}, D {rates[1]:g}",
            f"β ({betas[0]:g}, {betas[1]:g})",
            f"k = {options.get('d_steps', 1)}",
        ]
        if options.get("gradient_penalty_weight"):
            parts.append(f"λ = {options['gradient_penalty_weight']:g}")
        if options.get("update") == "simultaneous":
            parts.append("simultaneous")
        return ", ".join(parts)

    lines = [
        "",
        "(loss-recipes-table)=",
        "## Losses with their authors' settings",
        "",
        f"Measured on {stamp['started'][:10]} (matmul "
        f"{stamp['machine']['matmul_gflop_per_s']:.0f} GFLOP/s). Chapter 4 compares losses with "
        "one set of optimiser settings, chapter 3's. Here each loss gets the settings its "
        "authors use (`ganbook_lib.chapters.algorithm.PAPER_RECIPES`): WGAN-GP as in Algorithm 1 "
        "of {cite}`gulrajani2017wgangp` and as in the authors' script for 2-D problems "
        "(`gan_toy.py`), least squares as in the authors' script for the mixture of Gaussians "
        "{cite}`mao2017lsgan`, hinge as in the SN-GAN authors' CIFAR-10 configuration "
        "{cite}`miyato2018spectral` (without spectral normalisation): their learning rates, "
        "Adam betas, discriminator steps, penalty weight and update order. The rest is chapter "
        "3's: its networks (the sources use wider ones), batches of 128 (the sources: 64 in "
        "the paper, 256 in `gan_toy.py`, 512 in the LSGAN script, 64 in SN-GAN's), one per "
        "discriminator step, and every learning rate decaying to 0 over the run (only SN-GAN's "
        "configuration decays its rate; the others keep it constant). At the 3,000-step mark "
        "the rates have barely started to decay (chapter 4's own runs are 3,000 steps long "
        f"and decay to 0 by then). Each run trains {table['steps']:,} generator steps and is "
        f"scored at {', '.join(f'{m:,}' for m in marks)}. Each cell is modes / high-quality "
        "share; a mode counts only when a sample lands within 3σ of it, so a diffuse cloud "
        "around the ring scores 0 modes without having collapsed.",
        "",
        "| recipe | settings | seed | " + " | ".join(f"step {m:,}" for m in marks) + " | CPU s |",
        "|---|---|---|" + "---|" * len(marks) + "---|",
    ]
    for run in table["runs"]:
        cells = " | ".join(f"{p['modes']} / {p['high_quality']:.0%}" for p in run["curve"])
        lines.append(
            f"| {run['recipe']} | {settings(PAPER_RECIPES[run['recipe']])} | {run['seed']} | "
            f"{cells} | {run['curve'][-1]['cpu_seconds']:.0f} |"
        )
    return lines


def _seed_grid(rows: list[dict], name: str, text) -> tuple[list, list[str]]:
    """(seeds, markdown table): one row per distinct ``row[name]``, one column per seed, each
    cell ``text(row)``."""
    seeds = sorted({r["seed"] for r in rows})
    cell = {(r[name], r["seed"]): r for r in rows}
    lines = [f"| {name} | " + " | ".join(f"seed {s}" for s in seeds) + " |"]
    lines.append("|---|" + "---|" * len(seeds))
    for value in dict.fromkeys(r[name] for r in rows):
        lines.append(f"| {value} | " + " | ".join(text(cell[value, s]) for s in seeds) + " |")
    return seeds, lines


def _loss_seeds_section(results) -> list[str]:
    """Chapter 4's comparison with chapter 3's settings, on the seeds the chapter does not run."""
    table = results["loss_seeds"]
    stamp = results.get("reruns", {}).get("loss-seeds", results)
    seeds, grid = _seed_grid(
        table["rows"], "loss", lambda r: f"{r['modes']} / {r['high_quality']:.0%}"
    )
    return [
        "",
        "(loss-seeds-table)=",
        "## Chapter 4's losses on more seeds",
        "",
        f"Measured on {stamp['started'][:10]}. Chapter 4's comparison of losses (chapter 3's "
        f"settings, {table['steps']:,} generator steps; `algorithm.compare_losses`) on seeds "
        f"{' and '.join(map(str, seeds))}; the chapter itself runs seed 0. Each cell is modes / "
        "high-quality share.",
        "",
        *grid,
    ]


def _article_variants_section(results) -> list[str]:
    """Chapter 5's two article habits in the repaired DCGAN, on several seeds."""
    table = results["article_variants"]
    stamp = results.get("reruns", {}).get("article-variants", results)
    seeds, grid = _seed_grid(
        table["rows"],
        "variant",
        lambda r: (
            f"{r['frechet_distance']:.0f} / {r['d_fake_last']:.2f} / {r['largest_logit']:.1f}"
        ),
    )
    real = table["rows"][0]["real_frechet_distance"]
    return [
        "",
        "(article-variants-table)=",
        "## Chapter 5's article habits on more seeds",
        "",
        f"Measured on {stamp['started'][:10]}. The repaired DCGAN of chapter 5 "
        "(`article.repaired_dcgan`) and the same model with one of the article's habits put "
        f"back, each trained for {table['steps']:,} steps on seeds "
        f"{', '.join(map(str, seeds))} (`article.compare_article_variants`). Each cell is the "
        "Fréchet distance of the generator itself / the mean D(G(z)) over the last tenth of "
        "the run / the largest |logit| the discriminator gave 256 real and 256 generated images "
        "at any tenth (Keras's clip of probabilities into [1e-7, 1 - 1e-7] starts at 16.1). "
        f"Real test digits score a Fréchet distance of {real:.1f}. Where the largest |logit| of "
        "the third row stays below 16.1, the clip never engaged, so those runs' losses equal the "
        "repaired model's up to rounding, and their Fréchet distances differ from the first "
        "row's only by how those rounding differences grow during training.",
        "",
        *grid,
    ]


def _plot_few_images(table: dict, path: Path) -> None:
    """Fréchet distance, nearest-neighbour ratio and mean D(x) on the training digits against
    steps, one line per variant and seed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_fd, ax_nn, ax_d) = plt.subplots(1, 3, figsize=(14, 3.6))
    colors = {"none": "tab:red", "diffaugment": "tab:blue", "ada": "tab:green"}
    for row in table["rows"]:
        steps = [p["step"] for p in row["points"]]
        label = row["variant"] if row["seed"] == table["rows"][0]["seed"] else None
        style = dict(color=colors.get(row["variant"]), marker="o", ms=3, lw=1, label=label)
        ax_fd.plot(steps, [p["frechet_distance"] for p in row["points"]], **style)
        ax_nn.plot(steps, [p["nearest_neighbour_ratio"] for p in row["points"]], **style)
        ax_d.plot(steps, [p["D_real"] for p in row["points"]], **style)
    ax_nn.axhline(1.0, color="grey", lw=0.8, ls="--")
    ax_nn.set(xlabel="generator steps", ylabel="nearest-neighbour ratio (< 1: nearer to them)")
    ax_nn.set_title("Distance to the training digits")
    ax_fd.set(xlabel="generator steps", ylabel="classifier Fréchet distance (lower is better)")
    ax_fd.set_title(f"{table['n']} training digits: quality")
    ax_d.set(xlabel="generator steps", ylabel="mean D(x) on the training digits, as trained")
    ax_d.set_title("How sure D is of the training digits")
    ax_fd.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _few_images_section(results) -> list[str]:
    """Chapter 9's few images: no augmentation, DiffAugment and ADA on several seeds."""
    table = results["few_images"]
    stamp = results.get("reruns", {}).get("few-images", results)
    _plot_few_images(table, FIGURES / "few_images.png")
    seeds, grid = _seed_grid(
        table["rows"],
        "variant",
        lambda r: (
            f"{r['frechet_distance']:.1f} / {r['recall']:.2f} / "
            f"{r['nearest_neighbour_ratio']:.2f} / {r['D_real']:.2f}"
        ),
    )
    real = table["rows"][0]["real_frechet_distance"]
    return [
        "",
        "(few-images-table)=",
        f"## Chapter 9's {table['n']} digits, with and without augmentation",
        "",
        f"Measured on {stamp['started'][:10]} (matmul "
        f"{stamp['machine']['matmul_gflop_per_s']:.0f} GFLOP/s). The `mnist5k` recipe without "
        "its clusters, "
        f"trained for {table['steps']:,} steps on {table['n']} training digits ("
        f"{table['n'] // 10} of each class, chosen by the seed; `few_images.compare_augmentation`)"
        ", without augmentation, with DiffAugment (color, translation and cutout on every image "
        "D sees) and with ADA's adaptive probability. Each cell is the classifier Fréchet "
        "distance against all training digits / recall / the nearest-neighbour ratio against "
        "the few training digits (below 1: samples closer to them than new real digits are) / "
        "the mean D(x) on the training digits over the last quarter, as training recorded it "
        "(on the augmented digits where the run augments). Real test digits score "
        f"a Fréchet distance of {real:.2f}.",
        "",
        *grid,
        "",
        "```{figure} images/benchmarks/few_images.png",
        ":name: fig-benchmarks-few-images",
        "",
        "Quality (left), the samples' distance to the training digits relative to new real "
        "digits' (middle) and the discriminator's mean D(x) on its training digits (right) at "
        "four points of each run, one line per seed.",
        "```",
    ]


PENALTY_ANCHORS = {"grid": "penalties-table", "ring": "penalties-ring-table"}
PENALTY_NAMES = {"ring": "ring", "grid": "grid", "mnist5k": "digits"}


def _penalty_rows(results, data: str) -> list[dict]:
    """The ablation of penalties on ``data``, with the default recipe's own runs first (the
    row of the variant the default is)."""
    label = default_label(results, data)
    rows = [{"variant": label, **r} for r in results[data]] + results["penalties"][data]["rows"]
    order = list(PENALTY_VARIANTS)  # the ablation's order, the default's row in its place

    def rank(row):
        name = row["variant"].removesuffix(" (default)")
        return order.index(name) if name in order else -1

    return sorted(rows, key=rank)  # stable: seeds keep their order


def _plot_penalties(rows: list[dict], path: Path, key: str = "high_quality") -> None:
    """``key`` (the high-quality share, or the Fréchet distance of digits) against steps, one
    panel per variant, one line per seed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    variants = list(dict.fromkeys(r["variant"] for r in rows))
    fig, axes = plt.subplots(1, len(variants), figsize=(3.4 * len(variants), 3.2), sharey=True)
    for ax, variant in zip(axes, variants):
        for r in (r for r in rows if r["variant"] == variant):
            steps = [p["step"] for p in r["curve"]]
            ax.plot(steps, [p[key] for p in r["curve"]], marker="o", ms=3, lw=1)
        ax.set_title(variant, fontsize=10)
        ax.set_xlabel("generator steps")
        if key == "high_quality":
            ax.set_ylim(0, 1)
        else:
            ax.set_yscale("log")
    axes[0].set_ylabel("high-quality share" if key == "high_quality" else "classifier FD")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _penalties_section(results, data: str) -> list[str]:
    """Chapter 4's modern loss: the standard loss and RpGAN with R1 and R2 on ``data``."""
    table = results["penalties"][data]
    part = "penalties-digits" if data == "mnist5k" else f"penalties-{data}"
    stamp = results.get("reruns", {}).get(part, results)
    rows = _penalty_rows(results, data)
    name = PENALTY_NAMES[data]
    digits = data == "mnist5k"
    figure = f"penalties_{name}.png"
    _plot_penalties(rows, FIGURES / figure, "frechet_distance" if digits else "high_quality")

    def speed(r):  # the machine each run was measured on (scaled_seconds is at 100 GFLOP/s)
        if not r.get("seconds") or "scaled_seconds" not in r:
            return "not recorded"
        return f"{REFERENCE_GFLOPS * r['scaled_seconds'] / r['seconds']:.0f}"

    def toy_row(r):
        f = r["final"]
        axes = f.get("spread_axes")
        x, y = (f"{a:.2f}" for a in axes) if axes else ("not measured", "not measured")
        kl = _reverse_kl(f) or "not measured"
        return f"{f['modes']} | {f['high_quality']:.1%} | {x} | {y} | {kl}"

    def digit_row(r):
        f = r["final"]
        pr = (f"{f['precision']:.2f} | {f['recall']:.2f}") if "precision" in f else "– | –"
        return f"{f['frechet_distance']:.2f} | {f['classifier_score']:.2f} | {pr}"

    columns = (
        ["FD", "score", "precision", "recall"]
        if digits
        else ["modes", "high quality", "spread x", "spread y", "reverse KL"]
    )
    head = "| " + " | ".join(["variant", "seed", *columns, "GFLOP/s"]) + " |"
    grid = [head, "|---" * (head.count("|") - 1) + "|"]
    for r in rows:
        cells = digit_row(r) if digits else toy_row(r)
        grid.append(f"| {r['variant']} | {r['seed']} | {cells} | {speed(r)} |")
    if digits:
        real = results["mnist5k_real"]
        what = (
            "One row per run: the classifier Fréchet distance (FD), the classifier score, "
            "precision and recall (`metrics.evaluate`). The real held-out digits: FD "
            f"{real['frechet_distance']:.2f}, score {real['classifier_score']:.2f} as the split "
            f"holds them; FD {_digit_base(real)[0]:.2f}, score {_digit_base(real)[1]:.2f} with "
            "their classes at random, what a perfect generator scores and the targets' base."
        )
        caption = "The classifier Fréchet distance of the digits (log scale) at five points"
    else:
        real = results[f"{data}_real"]
        what = (
            "One row per run: the modes covered, the high-quality share, the spread of the "
            "covered modes along x and along y (each the median over the modes of the RMS "
            "distance to the mode's centre along that axis, over σ), and the reverse KL "
            "divergence of the high-quality samples' mode histogram from uniform "
            "(`metrics.mode_reverse_kl`; 0 when every mode gets the same share). Samples of "
            f"the mixture itself: {real['high_quality']:.1%} high quality, spread "
            f"{_spread(real)}, reverse KL {_reverse_kl(real)}."
        )
        caption = f"The high-quality share on the {name} at five points"
    what += (
        " The last column is the speed of the machine the run was measured on (TensorFlow "
        "matmul, GFLOP/s), from its own timing: rows measured in different sessions differ in it."
    )
    anchor = PENALTY_ANCHORS.get(data, f"penalties-{name}-table")
    owner = f"{name}'" if name.endswith("s") else f"{name}'s"  # the digits' section
    recipe = "self-conditioned" if results.get("recipes", {}).get(data, {}).get("clusters") else ""
    return [
        "",
        f"({anchor})=",
        f"## Chapter 4's modern loss: R1, R2 and relativistic pairing on the {name}",
        "",
        f"The ablation was measured on {stamp['started'][:10]} (`--only {part}`); the rows "
        f"marked *default* are the default recipe's own runs, those of the {owner} section "
        f"above, measured separately. The {owner} default recipe "
        f"({table['steps']:,} generator steps{', ' + recipe if recipe else ''}) with the "
        "standard non-saturating loss (NS) without a penalty, plus R1, plus R1 and R2, and "
        "with the relativistic pairing loss (RpGAN) plus R1 and R2, each penalty weighted "
        f"γ / 2 with γ = {table['gamma']:g} (`benchmarks/run.py`, `penalty_recipe`). " + what + " "
        "{ref}`targets-table` judges every row against the targets.",
        "",
        *grid,
        "",
        f"```{{figure}} images/benchmarks/{figure}",
        f":name: fig-benchmarks-penalties-{name}",
        "",
        f"{caption} of each run, one panel per loss and penalty, one line per seed.",
        "```",
    ]


def _steps_needed(verdict, real, data) -> str:
    """The steps each seed needed to meet every target (the first mark at which that mark and
    every later one meet them), one per seed."""
    cells = []
    for r in verdict["runs"]:
        needed = steps_to_targets(r, real, TARGETS["full"], data)
        cells.append("–" if needed is None else f"{needed:,}")
    return " / ".join(cells)


def _minutes(results, runs) -> str:
    """Training minutes per run at the costs per step timed together, the range over the
    seeds ("not timed" if a recipe was not)."""
    values = [_step_minutes(results, r) for r in runs]
    if not values or None in values:
        return "not timed"
    return _span(values, ".1f")


def _step_minutes(results, run, step: int | None = None) -> float | None:
    """Training minutes of ``run`` up to ``step`` (default: its end) at its recipe's cost per
    step timed with the others (part ``step-costs``), or None if the recipe was not timed."""
    seconds = run_seconds(results, run, step)
    return None if seconds is None else seconds / 60


def _minutes_text(minutes: float | None, unit: bool = True) -> str:
    if minutes is None:
        return "not timed"
    return f"{minutes:.1f} min" if unit else f"{minutes:.1f}"


def _costs_machine(results) -> str:
    """Where and when the costs per step were timed, for labels."""
    stamp = results.get("reruns", {}).get("step-costs", results)
    rate = stamp.get("machine", {}).get("matmul_gflop_per_s")
    where = f"on a machine at {rate:.0f} GFLOP/s, " if rate else ""
    return f"{where}{stamp['started'][:10]}"


def _span(values, spec: str) -> str:
    """``values``' range as "lo–hi" in format ``spec``, or one number when both read alike."""
    lo, hi = format(min(values), spec), format(max(values), spec)
    return lo if lo == hi else f"{lo}–{hi}"


def _plot_targets(results, verdicts, path: Path) -> None:
    """Quality against training time at the reference speed for every recipe measured, one
    panel per dataset: the narrower axis's spread on the 2-D mixtures (the target band shaded),
    FD over the real digits' on mnist5k (the target dashed). A filled marker is a mark that met
    every target, a hollow one a mark that missed one."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = TARGETS["full"]
    panels = [d for d in ("ring", "grid", "mnist5k") if d in verdicts]
    fig, axes = plt.subplots(1, len(panels), figsize=(4.6 * len(panels), 3.6), squeeze=False)
    for ax, data in zip(axes[0], panels):
        real = results.get(f"{data}_real")
        for i, v in enumerate(verdicts[data]):
            color = f"C{i}"
            for j, r in enumerate(v["runs"]):
                xs, ys, met = [], [], []
                if _step_minutes(results, r) is None:  # not timed with the others
                    continue
                for point in r["curve"]:
                    if data == "mnist5k":
                        y = _fd_ratio(point, _real_fd(r, real))
                        ok = y <= t["fd_ratio"]
                    elif point.get("spread_axes"):
                        y = min(point["spread_axes"])
                        ok = not toy_misses(point, real, t, data)
                    else:
                        continue
                    xs.append(_step_minutes(results, r, point["step"]))
                    ys.append(y)
                    met.append(ok)
                if not xs:
                    continue
                ax.plot(xs, ys, color=color, lw=1, label=v["label"] if j == 0 else None)
                for x, y, ok in zip(xs, ys, met):
                    ax.plot(x, y, "o", ms=4, color=color, mfc=color if ok else "white")
        if data == "mnist5k":
            ax.axhline(t["fd_ratio"], color="grey", ls="--", lw=1)
            ax.set_yscale("log")
            ax.set_ylabel("FD / FD of real digits, classes at random")
        else:
            ax.axhspan(*t["toy_spread"], color="grey", alpha=0.2)
            ax.set_ylabel("spread of the narrower axis / σ")
        ax.set_title(data)
        ax.set_xlabel("training minutes (costs per step timed together)")
    fig.tight_layout()
    for ax in axes[0]:  # beneath each panel, after the layout: inside, they hid the digits' curves
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.16), frameon=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)


def _seeds_meeting(judged: list[list[str]], word: str) -> str:
    """ "k of n": the runs (each judged as its list of missed targets) that miss no target
    whose phrase contains ``word``; runs where it was not measured are counted apart."""
    mine = [[m for m in misses if word in m] for misses in judged]
    met = sum(not m for m in mine)
    unknown = sum(bool(m) and all("not measured" in x for x in m) for m in mine)
    if unknown == len(judged):
        return "not measured"
    return f"{met} of {len(judged)}" + (f" ({unknown} not measured)" if unknown else "")


def _every_target(v: dict) -> str:
    """A recipe's seeds meeting every target, with the seeds that cannot be judged."""
    text = f"**{v['met']} of {v['seeds']}**"
    if v.get("unknown"):
        text += f" (up to {v['met'] + v['unknown']} if the targets not measured were met)"
    return text


def _targets_section(results) -> list[str]:
    """Every recipe measured, against the targets, seed by seed: the table that decides the
    default recipe of each dataset."""
    t = TARGETS["full"]
    verdicts = recipe_verdicts(results)
    lines = [
        "",
        "(targets-table)=",
        "## Every recipe against the targets",
        "",
        "Each recipe measured on this page, judged at the end of its fixed number of steps on "
        "every seed (a count *k of n* is the seeds that met the target). The targets are those "
        "of the sections above: on the 2-D mixtures all modes, a high-quality share within "
        f"{100 * t['toy_high_quality_points']:.0f} point of the data's own, a spread per axis "
        f"in {t['toy_spread'][0]}–{t['toy_spread'][1]} and a reverse KL of at most "
        f"{t['toy_reverse_kl']}; on digits an FD of at most {t['fd_ratio']}× the real held-out "
        f"digits' with their classes at random and a score of at least {t['score_ratio']:.0%} "
        "of theirs, with all ten classes. "
        "*Steps needed* is, per seed, the first of the five marks (10, 25, 50, 75 and 100 % of "
        "the steps) at which that mark and every later one met every target (– when the last "
        "mark missed, or when a target was not measured at the marks). "
        "Minutes are training time per run: its steps times its recipe's cost per step, every "
        f"recipe timed together ({{ref}}`step-costs`, {_costs_machine(results)}). The suite "
        "fails when an "
        f"ablation variant that trains in at most {DEFAULT_BUDGET}× the default's time meets "
        "every target on more seeds than the default recipe, or could (its targets were not "
        "all measured): the rule is that the default must be a recipe that meets them on the "
        "most seeds within the chapters' budget."
        + (
            " On digits the larger recipe is held to the same rule if it fits that budget; "
            "if not, it shows what more compute buys."
            if results.get("mnist5k_larger")
            else ""
        ),
        "",
        "```{figure} images/benchmarks/targets.png",
        ":name: fig-benchmarks-targets",
        "",
        "Quality against training minutes (steps times the cost per step timed together), "
        "for every recipe in the "
        "tables below, one line per seed: on the 2-D mixtures the spread of the narrower axis "
        "(the band is the target), on digits the FD over the real digits' with their classes at "
        "random (the dashed line is the target). A filled marker met every target at that "
        "mark, a hollow one missed at least one. Runs measured before the per-axis spread "
        "existed have no line.",
        "```",
        "",
    ]
    _plot_targets(results, verdicts, FIGURES / "targets.png")
    toy = [d for d in ("ring", "grid") if d in verdicts]
    if toy:
        lines += [
            "| data | recipe | all modes | high quality | spread | reverse KL | every target "
            "| steps needed | minutes per run |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for data in toy:
            real = results.get(f"{data}_real")
            for v in verdicts[data]:
                runs = v["runs"]
                judged = [toy_misses(r["final"], real, t, data) for r in runs]
                count = functools.partial(_seeds_meeting, judged)
                label = f"**{v['label']}**" if v["default"] else v["label"]
                lines.append(
                    f"| {data} | {label} | {count('modes')} | {count('high quality')} | "
                    f"{count('spread')} | {count('reverse KL')} | {_every_target(v)} | "
                    f"{_steps_needed(v, real, data)} | {_minutes(results, runs)} |"
                )
        lines.append("")
    if "mnist5k" in verdicts:
        real = results["mnist5k_real"]
        lines += [
            "| data | recipe | FD | score | classes | every target | minutes per run |",
            "|---|---|---|---|---|---|---|",
        ]
        for v in verdicts["mnist5k"]:
            runs = v["runs"]
            dcount = functools.partial(_seeds_meeting, [digit_misses(r, real, t) for r in runs])

            label = f"**{v['label']}**" if v["default"] else v["label"]
            lines.append(
                f"| mnist5k | {label} | {dcount('FD')} | {dcount('score')} | "
                f"{dcount('classes')} | {_every_target(v)} | {_minutes(results, runs)} |"
            )
        lines.append("")
    return lines + _default_choice(results, verdicts)


def _cost_text(verdict) -> str:
    cost = verdict["cost"]
    return "a training time not timed" if cost is None else f"{cost:.2f} times the training time"


def _step_costs_section(results) -> list[str]:
    """Every recipe's cost per step, timed together (part ``step-costs``): what the training
    times of the comparisons on this page are made of."""
    costs = results["step_costs"]
    labels = {}
    for data, verdicts in recipe_verdicts(results).items():
        for v in verdicts:
            for r in v["runs"]:
                labels.setdefault((data, recipe_key(r["recipe"])), v["label"])
    lines = [
        "",
        "(step-costs)=",
        "## The cost of a training step",
        "",
        "The parts of this suite ran on different days, and a host's speed at these small "
        "networks does not follow its matmul rate, so run times taken part by part, even "
        "scaled by the day's rate, do not compare. Every recipe whose training time this page "
        f"compares was therefore timed in one session (`--only step-costs`, "
        f"{_costs_machine(results)}): through `ganbook train`'s own code, one epoch of the "
        "recipe's steps between log lines to warm up, then "
        + " ".join(
            f"{n} epoch{'s' if n > 1 else ''} timed on {data},"
            for data, n in costs["epochs"].items()
            if any(r["data"] == data for r in costs["rows"])
        )
        + " each epoch's checkpoint included as in a run; the recipes took turns, "
        f"{costs['rounds']} round{'s' if costs['rounds'] > 1 else ''}, and each kept its "
        "fastest. A run's training time elsewhere "
        "on this page is its steps times its recipe's cost per step. The last column divides "
        "by the cost of the dataset's default recipe.",
        "",
        "| data | recipe | ms per step | each round (ms) | × the default's |",
        "|---|---|---|---|---|",
    ]
    defaults = {
        data: seconds_per_step(results, data, results[data][0]["recipe"])
        for data in ("ring", "grid", "mnist5k")
        if results.get(data) and "recipe" in results[data][0]
    }
    for row in costs["rows"]:
        data, per_step = row["data"], row["seconds_per_step"]
        label = labels.get((data, recipe_key(row["recipe"])), "not in the tables")
        base = defaults.get(data)
        rounds = " / ".join(f"{1000 * t:.2f}" for t in row["round_seconds"])
        lines.append(
            f"| {data} | {label} | {1000 * per_step:.2f} | {rounds} | {per_step / base:.2f} |"
            if base
            else f"| {data} | {label} | {1000 * per_step:.2f} | {rounds} | – |"
        )
    return lines


def _ratio_span(values) -> str:
    return _span(values, ".2f") + "×"


def _default_choice(results, verdicts) -> list[str]:
    """Which recipe is each dataset's default, and why: read off the verdicts, so the reasons
    stay those of the numbers on the page."""
    names = {"ring": "the ring", "grid": "the grid", "mnist5k": "digits"}
    limit, real = TARGETS["full"]["fd_ratio"], results.get("mnist5k_real")

    def ratios(v):
        return [r["final"]["frechet_distance"] / _real_fd(r, real) for r in v["runs"]]

    def lower_on(v, base) -> str:
        """On how many of the seeds both ran ``v`` has the lower FD."""
        own = {r["seed"]: x for r, x in zip(v["runs"], ratios(v))}
        theirs = {r["seed"]: x for r, x in zip(base["runs"], ratios(base))}
        seeds = sorted(own.keys() & theirs.keys())
        return f"lower on {sum(own[s] < theirs[s] for s in seeds)} of {len(seeds)} seeds"

    def higher_score_on(v, base) -> str:
        """On how many of the seeds both ran ``v`` has the higher classifier score."""
        own = {r["seed"]: r["final"]["classifier_score"] for r in v["runs"]}
        theirs = {r["seed"]: r["final"]["classifier_score"] for r in base["runs"]}
        seeds = sorted(own.keys() & theirs.keys())
        return f"higher on {sum(own[s] > theirs[s] for s in seeds)} of {len(seeds)}"

    lines = ["**Which recipe is the default, and why.**", ""]
    for data, vs in verdicts.items():
        default = next(v for v in vs if v["default"])
        alts = [v for v in vs if v["alternative"]]
        costly = [v for v in vs if v["costlier"]]
        text = (
            f"- On {names[data]}, *{default['label']}* meets every target on {default['met']} "
            f"of {default['seeds']} seeds"
        )
        if not alts:
            text += "; no alternative that could replace it was measured there."
        elif default["met"] == default["seeds"]:
            text += ", and no alternative measured does better than that."
        else:
            best = max(v["met"] for v in alts)
            text += f"; no alternative measured meets them on more (at most {best})."
        for v in costly:
            if v["met"] > default["met"]:
                text += (
                    f" *{v['label']}* meets them on {v['met']} of {v['seeds']} seeds, for "
                    f"{v['cost']:.2f} times the training time: beyond the chapters' budget "
                    f"({DEFAULT_BUDGET}× the default's), it is what more compute buys, not the "
                    "default."
                )
        if data == "mnist5k" and default["met"] == default["seeds"]:
            # how close to the target, and the ratio to the split the targets once took
            split = [r["final"]["frechet_distance"] / _split_fd(r, real) for r in default["runs"]]
            text += (
                f" Its FD is {_ratio_span(ratios(default))} the real digits' with classes at "
                f"random (mean {_mean(ratios(default)):.2f}×; the target {limit}×), "
                f"{_ratio_span(split)} the split's."
            )
            closer = [v for v in alts + costly if _mean(ratios(v)) < _mean(ratios(default))]
            for v in sorted(closer, key=lambda v: _mean(ratios(v)))[:1]:
                beyond = (
                    f", beyond the chapters' budget ({DEFAULT_BUDGET}× the default's)"
                    if v["costlier"]
                    else ""
                )
                text += (
                    f" *{v['label']}* comes closest, {_ratio_span(ratios(v))} (mean "
                    f"{_mean(ratios(v)):.2f}×, {lower_on(v, default)}), for {_cost_text(v)}"
                    f"{beyond}."
                )
        if data == "mnist5k" and default["met"] < default["seeds"]:
            measured = [default, *alts, *costly]
            if all(min(ratios(v)) > limit for v in measured):
                who = "every recipe measured, on every seed"
            elif all(max(ratios(v)) > limit for v in measured):
                who = "every recipe measured, each on some seeds"
            else:
                who = "the default"
            text += (
                f" The FD target ({limit}× the real digits', classes at random) is missed by "
                f"{who}: the default's "
                f"FD is {_ratio_span(ratios(default))} the real digits' "
                f"(mean {_mean(ratios(default)):.2f}×)"
            )
            closest = min(alts + costly, key=lambda v: _mean(ratios(v)), default=None)
            if closest is not None and _mean(ratios(closest)) < _mean(ratios(default)):
                beyond = (
                    f", beyond the chapters' budget ({DEFAULT_BUDGET}× the default's)"
                    if closest["costlier"]
                    else ""
                )
                if not closest["costlier"] and closest["met"] > default["met"]:
                    why = (
                        f"; *{closest['label']}*, within it, meets them on more "
                        f"({closest['met']} of {closest['seeds']}): the suite fails until it "
                        "becomes the default."
                    )
                elif not closest["costlier"]:
                    # within the budget and no more seeds met: name what each recipe does better
                    why = (
                        f"; *{closest['label']}* meets them on no more seeds ({closest['met']} of "
                        f"{closest['seeds']}), with an FD {lower_on(closest, default)} and a "
                        f"score {higher_score_on(closest, default)}."
                    )
                elif min(ratios(closest)) > limit:
                    why = (
                        f": more compute buys a lower FD on average ({lower_on(closest, default)}),"
                        " not the target."
                    )
                elif closest["met"] <= default["met"]:
                    why = f", and {closest['label']} meets them on no more seeds."
                else:
                    why = (
                        f": more compute buys the targets on {closest['met']} of "
                        f"{closest['seeds']} seeds."
                    )
                text += (
                    f"; *{closest['label']}* comes closest, {_ratio_span(ratios(closest))} "
                    f"(mean {_mean(ratios(closest)):.2f}×), for {_cost_text(closest)}{beyond}. "
                    "The default stays the recipe that meets the targets "
                    "on the most seeds at the chapters' budget" + why
                )
            else:
                text += "; no alternative measured comes closer on average."
        lines.append(text)
    return ["", *lines]


def _k_steps_section(k_steps: dict, stamp: dict) -> list[str]:
    """Chapter 3's comparison of k on several seeds: one row per (k, D rate). ``stamp`` says
    when and where it ran."""
    rows = k_steps["rows"]
    seeds = sorted({r["seed"] for r in rows})
    variants = sorted({(r["k"], r["d_rate"]) for r in rows}, key=lambda v: (v[1], v[0]))
    lines = [
        "",
        "(k-steps-table)=",
        "## Discriminator steps per generator step",
        "",
        f"Measured on {stamp['started'][:10]} (matmul "
        f"{stamp['machine']['matmul_gflop_per_s']:.0f} GFLOP/s). Chapter 3's comparison, on "
        f"{len(seeds)} seeds ({', '.join(map(str, seeds))}): the "
        f"ring, {k_steps['steps']:,} generator steps, batches of 128, $k$ discriminator steps per "
        "generator step, each on its own real minibatch, the generator's learning rate 1e-3 "
        "decaying to 0 (`ganbook_lib.chapters.algorithm.compare_k`). Each cell is the final "
        "modes / high-quality share of one seed.",
        "",
        "| k | D learning rate | all 8 modes at the end | mean high-quality | "
        + " | ".join(f"seed {s}" for s in seeds)
        + " |",
        "|---|---|---|---|" + "---|" * len(seeds),
    ]
    for k, d_rate in variants:
        runs = sorted((r for r in rows if (r["k"], r["d_rate"]) == (k, d_rate)), key=_seed)
        full = sum(r["modes"] == 8 for r in runs)
        lines.append(
            f"| {k} | {d_rate:g} | {full} of {len(runs)} | "
            f"{_mean(r['high_quality'] for r in runs):.1%} | "
            + " | ".join(f"{r['modes']} / {r['high_quality']:.0%}" for r in runs)
            + " |"
        )
    return lines


def _seed(row):
    return row["seed"]


RECIPE_COLUMNS = (
    ("latent_dim", "latent"),
    ("batch_size", "batch"),
    ("lr", "learning rate"),
    ("d_lr", "D rate"),
    ("beta_1", "β1"),
    ("beta_2", "β2"),
    ("loss", "loss"),
    ("update", "updates"),
    ("r1_weight", "R1 γ"),
    ("r2_weight", "R2 γ"),
    ("cosine_decay", "cosine decay"),
    ("ema_decay", "EMA"),
    ("clusters", "clusters"),
    ("arch", "networks"),
)


def _recipe_table(recipes: dict) -> list[str]:
    """The recipes as run (recorded in the results), one row each."""

    def arch(r):
        if r["kind"] == "toy":
            return f"MLP {r['depth']}x{r['hidden']}"
        return "TF tutorial DCGAN" if r["arch"] == "tf-tutorial" else f"DCGAN, width {r['width']}"

    rows = [
        "`ganbook_lib.recipes` as the suite ran them (`RECIPES[...]`, and the TF tutorial's, "
        "`ganbook_lib.references.tf_tutorial.RECIPE`"
        + (
            "; the larger digit recipe is `benchmarks/run.py`'s `larger_digits_recipe`"
            if "mnist5k, larger" in recipes
            else ""
        )
        + "):",
        "",
        "| recipe | " + " | ".join(label for _, label in RECIPE_COLUMNS) + " |",
        "|---" * (len(RECIPE_COLUMNS) + 1) + "|",
    ]
    for name, r in recipes.items():
        cells = []
        for key, _ in RECIPE_COLUMNS:
            value = arch(r) if key == "arch" else r.get(key)
            if key.startswith("beta_") and value is not None:  # a beta of 0 is a setting
                cells.append(f"{value:g}")
                continue
            cells.append("" if value in (None, False) else "yes" if value is True else f"{value}")
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return rows


# The TensorFlow DCGAN tutorial's schedule: 50 epochs of 60,000 digits in batches of 256
# (chapter 8 asserts the same number).
TUTORIAL_SCHEDULE = 50 * -(-60_000 // 256)


def _tutorial_share(results: dict) -> str:
    runs = results.get("tf_tutorial") or []
    if not runs:
        return "a small part"
    return f"{runs[0]['steps'] / TUTORIAL_SCHEDULE:.0%}"


def _quick_share(results: dict) -> str:
    """How much shorter CI's quick runs are than the runs on this page."""
    if "steps" not in results:
        return "`--quick`, a third to a half of the budgets"
    quick, full = STEPS["quick"], results["steps"]
    shares = [quick[data] / full[data] for data in quick if data in full]
    return f"`--quick`, {min(shares):.0%} to {max(shares):.0%} of these steps"


def write_report(results: dict, page: Path = PAGE) -> Path:
    FIGURES.mkdir(parents=True, exist_ok=True)
    _plot_curves(results, FIGURES / "quality_over_time.png")
    m = results["machine"]
    lines = [
        "# Appendix: Benchmarks",
        "",
        "<!-- Generated by benchmarks/report.py from benchmarks/results/full.json. "
        "Do not edit by hand: run `python benchmarks/run.py`. -->",
        "",
        "Every number on this page was measured by one command, `python benchmarks/run.py`, "
        f"on a {m['cpus']}-core CPU machine (TensorFlow {m['tensorflow']}, Python {m['python']}) "
        f"on {results['started'][:10]}. Each run is `ganbook train` with the library's default "
        "recipe for the dataset and "
        + (
            "a fixed number of generator steps (the time it took is given beside it); "
            if "steps" in results
            else "a wall-time budget; "
        )
        + "the suite then measures the samples "
        "exactly as `ganbook evaluate` does. Seeds: "
        f"{', '.join(str(s) for s in results['seeds'])}. CI runs a shorter version "
        f"({_quick_share(results)}) on every push and fails when a target "
        "is clearly missed. The last section lists the targets this run missed, if any."
        + (
            " Some parts were measured again later, possibly on another machine (`--only`): "
            + "; ".join(
                f"{part} on {stamp['started'][:10]}"
                for part, stamp in sorted(results.get("reruns", {}).items())
            )
            + ". Each of those sections says so."
            if results.get("reruns")
            else ""
        ),
        "",
        "## Mode coverage on the 2-D mixtures",
        "",
        "The protocol of {cite}`srivastava2017veegan` and {cite}`lin2018pacgan`: 2,500 samples; "
        "a sample is *high-quality* when it lies within three standard deviations of its "
        "nearest centre, and a mode is covered when at least one high-quality sample lands on "
        "it. The ring has 8 Gaussians (σ = 0.01) on the unit circle, the grid 25 (σ = 0.05) "
        f"at {{-4, -2, 0, 2, 4}}². Our {'runs' if 'steps' in results else 'budget'}: "
        + (
            f"{_length(results, 'ring')} on each. "
            if _length(results, "ring") == _length(results, "grid")
            else f"{_length(results, 'ring')} on the ring, {_length(results, 'grid')} on the grid. "
        )
        + _toy_targets_text()
        + " The last column "
        "says whether a run met them all, and if not, what it missed. The published rows come "
        "from the papers "
        "cited, with their own training lengths and hardware, and one unconditional generator. "
        + _toy_recipes_text(results.get("recipes", {}))
        + (
            " The *real data* row applies the protocol to points drawn from the mixture itself. "
            "A 2-D Gaussian puts only 1 − e^(−9/2) ≈ 98.9 % of its mass within 3σ of its "
            "centre, so a high-quality share above the real row's means samples packed more "
            "tightly than the data, not better ones. The *spread* column measures that "
            "directly, one number per axis (`metrics.mode_coverage`, `spread_axes`). For each "
            "covered mode it takes the root mean square distance of the mode's high-quality "
            "samples from the mode's centre along the axis, over the data's σ; the number is "
            "the median of that over the modes. Points of the data themselves score a little "
            "under 1 (the *real data* rows; the 3σ cut trims the tails); well below that, the "
            "samples are tighter than the data. Runs measured before the per-axis spread "
            "existed give one number instead, the median over the modes of the root mean "
            "square distance in both coordinates together, and cannot be judged against the "
            "per-axis target."
            if "ring_real" in results or "grid_real" in results
            else ""
        ),
        "",
    ]
    for data in ("ring", "grid"):
        if data in results:
            lines += [
                f"**{data}**",
                "",
                "| method | modes | high-quality | spread / σ (x / y) | reverse KL | "
                + ("training |" if "steps" in results else "budget |")
                + " every target |",
                "|---|---|---|---|---|---|---|",
                *_toy_rows(results, data),
                "",
            ]
    lines += [
        "```{figure} images/benchmarks/quality_over_time.png",
        ":name: fig-benchmarks-quality",
        "",
        "Quality against "
        + ("generator steps" if "steps" in results else "training time")
        + ", measured at marks during each run: the high-quality "
        "share on the ring and the grid (left), and the classifier Fréchet distance of mnist5k "
        "digits (right, log scale; lower is better): ours (solid), ours without clusters "
        "(dashed) and the TensorFlow tutorial's recipe (dotted).",
        "```",
        "",
    ]
    real = results.get("mnist5k_real")
    if real:
        lines += _digit_section(results, real)
    if results.get("tf_tutorial_long") and real:
        _plot_fair_comparison(results, real, FIGURES / "fair_comparison.png")
        lines += _fair_comparison_section(results, real)
    if results.get("loss_recipes"):
        lines += _loss_recipes_section(results)
    if results.get("loss_seeds"):
        lines += _loss_seeds_section(results)
    if results.get("article_variants"):
        lines += _article_variants_section(results)
    if results.get("few_images"):
        lines += _few_images_section(results)
    for data in ("ring", "grid", "mnist5k"):
        if results.get("penalties", {}).get(data) and results.get(data):
            lines += _penalties_section(results, data)
    if any(results.get(data) for data in ("ring", "grid", "mnist5k")):
        lines += _targets_section(results)
    if results.get("k_steps"):
        stamp = results.get("reruns", {}).get("k-steps", results)
        lines += _k_steps_section(results["k_steps"], stamp)
    tp = results.get("throughput")
    if tp:
        lines += [
            "",
            "## The library adds no overhead",
            "",
            "`ganbook bench throughput --batch 256`: the library's `GAN.fit` "
            "training step on the tutorial's architecture, against a plain `tf.function` "
            "GradientTape step written the way the tutorial writes it, side by side in one "
            "process. Target: a ratio of at least 0.95.",
            "",
            "| step | images / s | ratio | share of the measured matmul FLOP/s |",
            "|---|---|---|---|",
            f"| `GAN.fit` | {tp['images_per_s']:.0f} | {tp['ratio']:.3f} | "
            f"{tp['fraction_of_matmul_peak']:.1%} |",
            f"| plain `tf.function` step | {tp['plain_images_per_s']:.0f} | 1 | |",
            "",
            f"One step costs about {tp['step_gflop']} GFLOP; the machine multiplies float32 "
            f"matrices at {tp['matmul_gflop_per_s']:.0f} GFLOP/s.",
        ]
    chapters = results.get("chapters")
    if chapters:
        rows = chapters["rows"]
        total = sum(row["seconds"] for row in rows)
        scaled = sum(row["scaled_seconds"] for row in rows)
        lines += [
            "",
            "## Time to run each chapter",
            "",
            "Each chapter top to bottom in a fresh kernel under nbval (`pytest --nbval-lax`), "
            f"the way CI runs it, on a machine whose 2048 x 2048 float32 matmul ran at "
            f"{chapters['matmul_gflop_per_s']:.0f} GFLOP/s (measured in the same run, "
            f"{chapters.get('started', 'date not recorded')}). The scaled column is the time on "
            f"the reference machine of 2 cores at {REFERENCE_GFLOPS:.0f} GFLOP/s "
            "(`seconds x measured rate / reference rate`); multiply it by "
            f"{REFERENCE_GFLOPS:.0f} / *your rate* for your machine (`python benchmarks/run.py "
            "--only chapters` measures both). Targets, at the reference speed: "
            f"{TARGETS['full']['chapter_seconds'] / 60:.0f} minutes a chapter ("
            + ", ".join(
                f"{seconds / 60:.0f} for chapter {int(name[:2])}"
                for name, seconds in TARGETS["full"]["chapter_seconds_for"].items()
            )
            + ", which trains three DCGANs), "
            f"{TARGETS['full']['book_seconds'] / 60:.0f} minutes for the book.",
        ]
        runs = chapters.get("runs", 1)
        if runs > 1:
            lines[-1] += (
                f" The book ran {runs} times, one pass after another, and each chapter's row is "
                "its fastest run, the one least disturbed by other programs on a shared host "
                "(every run's time is in `benchmarks/results/full.json`)."
            )
        with_cpu = all("cpu_seconds" in row for row in rows)
        if "matmul_gflop_per_s_after" in chapters:
            lines += [
                "",
                "Measured again after the chapters, the matmul ran at "
                f"{chapters['matmul_gflop_per_s_after']:.0f} GFLOP/s: on a shared host the rate "
                "drifts, and the scaled column is only as steady as the rate it was scaled by.",
            ]
        if with_cpu:
            busy = sum(row["cpu_seconds"] for row in rows) / total
            lines[-1] += (
                " The CPU column is each chapter's processor time, both cores together: the "
                f"chapters kept {busy:.1f} of the 2 cores busy on average."
            )
        lines += [
            "",
            "| chapter | seconds here | seconds scaled |"
            + (" CPU-seconds |" if with_cpu else "")
            + " passed |",
            "|---|---|---|" + ("---|" if with_cpu else "") + "---|",
            *(
                f"| {row['chapter']} | {row['seconds']:.0f} | {row['scaled_seconds']:.0f} | "
                + (f"{row['cpu_seconds']:.0f} | " if with_cpu else "")
                + f"{'yes' if row['passed'] else 'NO'} |"
                for row in rows
            ),
            f"| **all** | **{total:.0f}** | **{scaled:.0f}** | "
            + (f"**{sum(row['cpu_seconds'] for row in rows):.0f}** | " if with_cpu else "")
            + "|",
        ]
    if results.get("step_costs"):  # late on the page: the translations key sections by place
        lines += _step_costs_section(results)
    if results.get("recipes"):
        lines += ["", "## The recipes measured", "", *_recipe_table(results["recipes"])]
    missed = check(results, results.get("mode", "full"))  # today's targets, not those of the run
    lines += ["", "## Targets", ""]
    lines += (
        [f"- missed: {line}" for line in missed]
        if missed
        else ["All targets above were met in this run."]
    )
    page.write_text("\n".join(lines) + "\n")
    return page


if __name__ == "__main__":
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "benchmarks/results/full.json"
    print(write_report(json.loads(source.read_text())))
