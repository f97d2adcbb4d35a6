import json

import pytest

from toolkit import models
from toolkit.errors import ModelError, UsageError


def test_build_tiny_cli_marks_test_model(mekong, workdir):
    result = mekong("models", "build-tiny", "models/tiny-nllb")
    assert result.code == 0, result.err
    folder = workdir / "models" / "tiny-nllb"
    marker = json.loads((folder / "mekong-test-model.json").read_text())
    assert marker["test_model"] is True
    assert (folder / "model.safetensors").exists() and (folder / "tokenizer.json").exists()
    listing = mekong("models", "list")
    assert "tiny-nllb" in listing.out and "TEST MODEL" in listing.out


def test_tiny_tokenizer_has_language_codes_and_all_scripts(tiny_model):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_model)
    for code in ("eng_Latn", "khm_Khmr", "lao_Laoo", "tha_Thai", "vie_Latn"):
        assert tok.convert_tokens_to_ids(code) != tok.unk_token_id
    for text in ("ក្រសួងយុត្តិធម៌", "ກະຊວງຍຸຕິທຳ", "กระทรวงยุติธรรม", "Bộ Tư pháp", "Ministry"):
        ids = tok(text, add_special_tokens=False).input_ids
        assert tok.unk_token_id not in ids
        assert tok.decode(ids) == text


def test_resolve_registry_names_and_hub_ids(workdir):
    resolved = models.resolve(None)
    assert resolved.hub_id == models.DEFAULT_MODEL and resolved.local_path is None
    assert models.resolve("facebook/m2m100_418M").hub_id == "facebook/m2m100_418M"
    with pytest.raises(UsageError):
        models.resolve("not a model")


def test_resolve_tiny_name_needs_build(workdir):
    (workdir / "models").mkdir()
    (workdir / "models" / "registry.toml").write_text('[tiny-nllb]\nfamily = "nllb"\n')
    with pytest.raises(ModelError, match="build-tiny"):
        models.resolve("tiny-nllb")


def test_broken_model_folder_is_a_model_error(workdir):
    from toolkit.engines import load_engine

    folder = workdir / "broken"
    folder.mkdir()
    (folder / "config.json").write_text("{not json")
    with pytest.raises(ModelError):
        load_engine("transformers", str(folder))


def test_unknown_engine(workdir):
    from toolkit.engines import load_engine

    with pytest.raises(UsageError, match="unknown engine"):
        load_engine("moses", "facebook/nllb-200-distilled-600M")


def test_engine_batches_keep_input_order(tiny_engine):
    texts = ["Thank you.", "On behalf of the Ministry of Justice, I welcome you.", "Excellencies,"]
    forward = tiny_engine.translate(texts, "en", "th")
    backward = tiny_engine.translate(texts[::-1], "en", "th")
    # text and score together: a random model may give two inputs the same text (vocabulary
    # luck), but not the same log-probability, so the order check cannot pass by accident
    key = [(h.text, round(h.logprob or 0.0, 5)) for h in forward]
    assert key == [(h.text, round(h.logprob or 0.0, 5)) for h in backward][::-1]
    assert len(set(key)) == 3
    assert all(h.logprob is not None and h.logprob <= 0 for h in forward)


def test_pull_rule_names_the_hub_id_and_folder(workdir):
    hub_id, target = models.pull_target("nllb-200-distilled-600M")
    assert (hub_id, target) == (
        models.DEFAULT_MODEL,
        models.models_dir() / "nllb-200-distilled-600M",
    )
    assert models.pull_target("facebook/m2m100_418M")[1] == models.models_dir() / "m2m100_418M"
    assert models.pull_target("facebook/m2m100_418M", workdir / "m")[1] == workdir / "m"
    with pytest.raises(UsageError, match="unknown model 'nope'"):
        models.pull_target("nope")


def test_pull_offline_is_one_model_error_line(mekong, workdir):
    with pytest.raises(ModelError, match="cannot download facebook/m2m100_418M"):
        models.pull("facebook/m2m100_418M")
    result = mekong("models", "pull", "facebook/m2m100_418M")
    assert result.code == 4 and len(result.err.strip().splitlines()) == 1
    assert not (workdir / "models" / "m2m100_418M" / "config.json").exists()
