#!/usr/bin/env bash
# Set up and run the main job on the sample speech, offline: build the tiny test model (random
# weights: its translations are meaningless) and translate into Khmer, Lao, Thai and Vietnamese.
# With a real model folder, pass it instead: MODEL=models/nllb-200-distilled-600M bash scripts/quickstart.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
MODEL="${MODEL:-models/tiny-nllb}"
if [ "$MODEL" = "models/tiny-nllb" ] && [ ! -d models/tiny-nllb ]; then
  .venv/bin/mekong models build-tiny models/tiny-nllb
fi
.venv/bin/mekong translate samples/speech-en.md --src en --tgt km,lo,th,vi --model "$MODEL"
.venv/bin/mekong export speech-en --format tsv -o aligned/speech-en.tsv --force
