"""The findings report: every section, every figure embedded, and every quoted number equal to its metrics file."""

from __future__ import annotations

import copy
import json
from html.parser import HTMLParser

import pytest
import yaml
from e2e import ROOT

from rednote.report.findings import KEY_PARAMS, METRICS_FILES, build, to_html, to_markdown


@pytest.fixture(scope="module")
def run() -> dict:
    """The committed run's metrics (the bundled sample's last `dvc repro`)."""
    return {name: json.loads((ROOT / path).read_text(encoding="utf-8")) for name, path in METRICS_FILES.items()}


@pytest.fixture(scope="module")
def params() -> dict:
    return yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))


def lookup(data, path):
    for key in path:
        data = data[int(key)] if isinstance(data, list) else data[key]
    return data


class Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings, self.images, self.text, self._in_h2 = [], [], [], False

    def handle_starttag(self, tag, attrs):
        self._in_h2 = tag == "h2"
        if tag == "img":
            self.images.append(dict(attrs))

    def handle_endtag(self, tag):
        self._in_h2 = False

    def handle_data(self, data):
        (self.headings if self._in_h2 else self.text).append(data)


def as_read(printed: str) -> tuple[float, float]:
    """A printed number as a reader takes it ("3,211", "6.7%", "0.794", "3.1e-10") and half a unit of its last
    digit: the value it stands for lies within that of it."""
    digits = printed.replace(",", "")
    share = digits.endswith("%")
    digits = digits.rstrip("%")
    mantissa, _, exponent = digits.partition("e")
    decimals = len(mantissa.partition(".")[2])
    half = 0.5 * 10.0 ** (int(exponent or 0) - decimals)
    scale = 0.01 if share else 1.0
    return float(digits) * scale, half * scale


def test_every_quoted_number_reads_as_the_value_in_its_metrics_file(run, params):
    """Each quote is looked up in the parsed files by its path and compared with its printed text as read."""
    sections, findings = build(run, params)
    text = to_markdown(sections)
    assert len(findings.quotes) > 60
    for quote in findings.quotes:
        value, half = as_read(quote.text)
        assert abs(lookup(run[quote.source], quote.path) - value) <= half * (1 + 1e-9), quote
        assert quote.text in text, quote


def test_the_key_sentences_hold_the_files_numbers(run, params):
    """Written from the metrics files alone, not through the report's quoting."""
    text = to_markdown(build(run, params)[0])
    files = {name: json.loads((ROOT / "metrics" / f"{name}.json").read_text(encoding="utf-8")) for name in
             ("metrics", "cohort", "survival", "segments")}  # fmt: skip
    t, c, s = files["metrics"]["test"], files["cohort"], files["survival"]
    pct = lambda v: f"{100 * v:.0f}%"  # noqa: E731
    assert f"The January cohort has {c['users_in_cohort']:,} users, of whom {c['retained_users']:,} " in text
    assert (
        f"ranks a retained user above a lost one {pct(t['roc_auc'])} of the time (ROC-AUC; 95% interval "
        f"{pct(t['roc_auc_ci_low'])}–{pct(t['roc_auc_ci_high'])}; 50% is chance)"
    ) in text
    assert (
        f"precision–recall AUC is {t['pr_auc']:.3g} ({t['pr_auc_ci_low']:.3g}–{t['pr_auc_ci_high']:.3g}) against "
        f"{t['base_rate']:.3g} for a random ranking"
    ) in text
    median = s["median_days_to_silence"]
    assert f"Median time to silence: {median['days']:.0f} day(s) (95% interval {median['ci_low']:.0f}–" in text
    assert f"Of the {s['users']:,} users, {s['fell_silent']:,} fell silent" in text
    assert f"Of all users, {s['cox']['users']:,} were still posting at the end of their watch" in text
    assert f"finds {files['segments']['k']['chosen']} groups" in text


def test_the_text_follows_a_changed_metric(run, params):
    changed = copy.deepcopy(run)
    changed["metrics"]["test"]["roc_auc"] = 0.6123
    changed["cohort"]["retained_users"] = 21
    text = to_markdown(build(changed, params)[0])
    assert "ranks a retained user above a lost one 61% of the time" in text
    assert "of whom 21 posted again within the horizon" in text and "rests on 21 retained users" in text


def test_the_interval_level_is_the_one_recorded_in_the_metrics(run, params):
    levels = copy.deepcopy(run)
    levels["metrics"]["ci_level"] = 0.9
    levels["factors"]["ci_level"] = 0.975
    levels["survival"]["ci_level"] = 0.8
    text = to_markdown(build(levels, params)[0])
    assert "(ROC-AUC; 90% interval " in text
    assert "per standard deviation (97.5%: " in text and "Odds ratios per SD with 97.5% intervals" in text
    assert "(80% interval " in text
    assert "95%" not in text


def test_the_html_has_every_section_and_embeds_every_figure(run, params):
    sections, _ = build(run, params)
    figures = [path for s in sections for _, path in s.figures]
    page = Page()
    page.feed(to_html(sections, {path: b"\x89PNG fake " + path.encode() for path in figures}))
    assert [h.split(".")[0] for h in page.headings] == ["1", "2", "3", "4", "5", "6"]
    assert len(page.images) == len(figures) and all(i["src"].startswith("data:image/png;base64,") for i in page.images)
    assert "http" not in "".join(i["src"] for i in page.images)  # nothing fetched when opened offline


def test_the_sample_is_named_as_synthetic_and_a_crawl_is_not(run, params):
    assert "bundled synthetic sample" in to_markdown(build(run, params)[0])
    crawl = copy.deepcopy(params)
    crawl["data"]["raw"] = "data/raw/mediacrawler"
    assert "synthetic" not in to_markdown(build(run, crawl)[0])


def test_a_degenerate_run_says_why_and_keeps_the_other_sections(run, params):
    degenerate = copy.deepcopy(run)
    degenerate["metrics"]["degenerate"] = "the cohort has 1 retained user, too few for 5 folds"
    text = to_markdown(build(degenerate, params)[0])
    assert "**No model was trained:** the cohort has 1 retained user, too few for 5 folds" in text
    assert "ranks a retained user" not in text
    assert "## 5. Adaptation groups" in text and "Topics (NMF over the words of each user's first 7 days)" in text
    assert "## 4. How long they kept posting" in text


def test_the_parameters_that_decide_the_answer_are_listed_from_this_runs_params(run, params):
    mlp = copy.deepcopy(params)
    mlp["train"]["model"] = "mlp"
    text = to_markdown(build(run, mlp)[0])
    assert "| `train.model` | mlp |" in text and "| `label.target_start` | 2025-02-01 |" in text
    assert all(f"| `{key}` |" in text for key in KEY_PARAMS)


def test_the_pr_report_shows_the_findings_diff_first():
    from rednote.report.pr import markdown

    with_diff = markdown("main", "| metric |", "", [], "-ranks … 79% of the time\n+ranks … 81% of the time")
    assert with_diff.index("## Findings") < with_diff.index("## Metrics") and "+ranks … 81% of the time" in with_diff
    assert "## Findings" not in markdown("main", "", "", [], "")
