#!/usr/bin/env bash
# Materialise aiqc's real-world corpus: files nobody here made, from the public, licensed test
# suites of image, PDF and media libraries, each read from a local git mirror at a pinned
# commit (no network here; bring the mirrors first, e.g. with `git clone --mirror`).
# Not part of `npm test`. The few small files the regression tests use are committed under
# test/fixtures/real-world/ with their source and licence (README there).
#
#   scripts/real-world-corpus.sh OUT_DIR          # writes OUT_DIR/<repo>/<file>
#   MIRRORS=/path/to/mirrors scripts/real-world-corpus.sh OUT_DIR
#   scripts/real-world-corpus.sh OUT_DIR --run     # then `aiqc check --json` on each (dist/ built)
#
# A mirror is MIRRORS/<owner>+<name>/repo (a bare git dir). Sources (licence):
#   lovell/sharp           ea5bef24   test/fixtures        Apache-2.0
#   mathiasbynens/small    HEAD       smallest valid files CC0-1.0
#   mozilla/pdf.js         0f26334f9  test/pdfs            Apache-2.0
#   qpdf/qpdf              dfd25112   qpdf/qtest/qpdf      Apache-2.0
set -euo pipefail
OUT=${1:?usage: $0 OUT_DIR [--run]}
MIRRORS=${MIRRORS:-/work/.mirror}
mkdir -p "$OUT"

take() { # repo commit path...
  local repo=$1 commit=$2; shift 2
  local git_dir="$MIRRORS/${repo/\//+}/repo"
  if [ ! -d "$git_dir" ]; then echo "skip $repo: no mirror at $git_dir" >&2; return; fi
  mkdir -p "$OUT/${repo/\//+}"
  for path in "$@"; do
    local target="$OUT/${repo/\//+}/$(basename "$path")"
    if ! git --git-dir="$git_dir" show "$commit:$path" > "$target.part" 2>/dev/null; then echo "missing $repo:$path" >&2; rm -f "$target.part"; continue; fi
    mv "$target.part" "$target"
  done
}

SHARP=ea5bef24
sharp_files=()
while IFS= read -r f; do sharp_files+=("$f"); done < <(git --git-dir="$MIRRORS/lovell+sharp/repo" ls-tree -r --name-only "$SHARP" test/fixtures 2>/dev/null |
  grep -v '/expected/' | grep -iE '\.(jpe?g|png|gif|webp|tiff?|svg|jp2|avif|heic)$' | grep -vE 'giant-image|65536-uint32' || true)
take lovell/sharp "$SHARP" "${sharp_files[@]}"

take mathiasbynens/small HEAD bmp.bmp gif.gif gif-transparent.gif jpeg.jpg jpeg2.jp2 png-transparent.png png-truncated.png svg.svg tiff.tif webp.webp \
  mp3.mp3 mp4-with-audio.mp4 Mpeg4.mp4 webm.webm wav.wav pdf.pdf AudioVideoInterleave.avi FlashVideo.flv

PDFJS=0f26334f9
pdfjs_files=(PDFBOX-4352-0 auth-event-ef-open bug1782186 empty_protected encrypted-attachment issue15893_reduced issue17215 issue19484_1
  issue21579 issue3371 issue6010_1 issue7665 issue9972-1 pr6531_2 print_protection saslprep-r6 secHandler
  annotation-stamp annotation-caret-ink annotation-tx annotation-tx2 annotation-text-widget annotation-choice-widget annotation-button-widget
  annotation-freetext annotation-highlight annotation-line annotation-square-circle annotation_hidden_print annotation_hidden_noview
  alphatrans asciihexdecode cmykjpeg devicen close-path franz issue1512r mixedfonts rotation sizes simpletype3font text_clip_cff_cid_font tracemonkey)
pdfjs_paths=()
for f in "${pdfjs_files[@]}"; do pdfjs_paths+=("test/pdfs/$f.pdf"); done
take mozilla/pdf.js "$PDFJS" "${pdfjs_paths[@]}"

QPDF=dfd25112
take qpdf/qpdf "$QPDF" $(printf 'qpdf/qtest/qpdf/%s.pdf ' V4-aes encrypted-40-bit-R3 encrypted-with-images job-json-encrypt-128 'enc-XI-R6,V5,O=master' \
  bad-xref bad-xref-entry xref-errors xref-range xref-with-short-size no-space-in-xref recover-xref-stream hybrid-xref damaged-stream \
  damaged-inline-image minimal good13)

echo "corpus: $(find "$OUT" -type f | wc -l) files in $OUT"

if [ "${2:-}" = "--run" ]; then
  # One aiqc run per file with its kind's general profile: verdict, wall seconds, first problem.
  printf 'file\tverdict\tseconds\tnote\n' > "$OUT/results.tsv"
  find "$OUT" -type f ! -name results.tsv | sort | while IFS= read -r f; do
    start=$(date +%s.%N)
    json=$(timeout 120 node dist/cli/main.js check "$f" --json 2>/dev/null || true)
    secs=$(echo "$(date +%s.%N) - $start" | bc)
    verdict=$(printf '%s' "$json" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const r=JSON.parse(s);const bad=r.checks.filter(c=>c.status!=="pass"&&c.status!=="skipped").map(c=>c.id+": "+c.message).join(" | ");console.log(r.verdict+"\t"+(r.error??bad).replace(/\s+/g," ").slice(0,300))}catch{console.log("crash\t")}})')
    printf '%s\t%s\t%.1f\t%s\n' "${f#"$OUT"/}" "${verdict%%	*}" "$secs" "${verdict#*	}" >> "$OUT/results.tsv"
  done
  cut -f2 "$OUT/results.tsv" | tail -n +2 | sort | uniq -c
fi
