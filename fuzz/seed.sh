#!/usr/bin/env bash
# Seeds the fuzz corpora from the project's own corpus/ (inputs we wrote ourselves).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p fuzz/corpus/dsl_parse fuzz/corpus/aws_ingest
find corpus -name '*.sg' -exec cp {} fuzz/corpus/dsl_parse/ \;
find corpus -name '*.json' -exec cp {} fuzz/corpus/aws_ingest/ \;
echo "seeded: $(ls fuzz/corpus/dsl_parse | wc -l) rule-language, $(ls fuzz/corpus/aws_ingest | wc -l) JSON"
