"""UNDP's Human Development Index 2022 expressed as a kaohe scheme reproduces the published
HDI (3 decimals), hdi_rank (competition ranking) and hdicode tiers for every row."""

from pathlib import Path

import polars as pl
import pytest

from kaohe.engine import score

# UNDP's published table, kept in the repository (see tests/engine/data/README.md).
REF = Path(__file__).parent / "data" / "hdi_2022.csv"
SCHEME = Path(__file__).parent / "data" / "hdi_2022.yaml"


@pytest.fixture(scope="module")
def hdi():
    ref = pl.read_csv(REF, infer_schema_length=0)
    values = (ref.select("iso3", "le", "eys", "mys", "gnipc")
              .unpivot(index="iso3", variable_name="indicator", value_name="value")
              .rename({"iso3": "unit"}))
    # regional aggregates (no hdi_rank) are scored too but must not take part in the countries' ranking
    units = ref.select(pl.col("iso3").alias("unit"),
                       pl.when(pl.col("hdi_rank").is_null()).then(pl.lit("aggregate"))
                       .otherwise(pl.lit("country")).alias("group"))
    result = score(SCHEME, values, units)
    joined = result.totals.join(
        ref.select(pl.col("iso3").alias("unit"), pl.col("hdi").cast(pl.Float64).alias("ref_hdi"),
                   pl.col("hdi_rank").cast(pl.Int64).alias("ref_rank"), "hdicode"), on="unit")
    return ref, result, joined


def test_every_row_of_the_reference_is_scored(hdi):
    ref, result, joined = hdi
    assert joined.height == ref.height == 204


def test_hdi_matches_the_published_value_to_three_decimals_for_every_row(hdi):
    _, _, joined = hdi
    off = joined.filter((pl.col("total") - pl.col("ref_hdi")).abs() > 1e-9)
    assert off.select("unit", "total", "ref_hdi").to_dicts() == []


def test_hdi_rank_matches_the_published_competition_rank_for_every_country(hdi):
    _, _, joined = hdi
    countries = joined.filter(pl.col("group") == "country")
    assert countries.height == 193
    off = countries.filter(pl.col("rank") != pl.col("ref_rank"))
    assert off.select("unit", "rank", "ref_rank").to_dicts() == []


def test_tiers_by_bands_match_hdicode_wherever_it_is_published(hdi):
    _, _, joined = hdi
    published = joined.filter(pl.col("hdicode").is_not_null())
    off = published.filter(pl.col("tier") != pl.col("hdicode"))
    assert off.select("unit", "total", "tier", "hdicode").to_dicts() == []
    # the reference leaves KOR's hdicode empty; its HDI 0.929 is Very High by the bands
    kor = joined.filter(pl.col("unit") == "KOR").row(0, named=True)
    assert kor["hdicode"] is None and kor["tier"] == "Very High"


def test_income_index_applies_the_log_transform_to_value_and_goalposts(hdi):
    _, result, _ = hdi
    che = result.explain_unit("CHE")["indicators"]["income"]
    # (ln 69432.79 − ln 100) / (ln 75000 − ln 100) = 0.98835…
    assert che["score"] == pytest.approx(0.988, abs=0.0005)
    assert che["arithmetic"].startswith("ln(69432.7867) = 11.148")
