#!/usr/bin/env bash
# Builds libcimi_ffi and generates its Kotlin, Swift and Python bindings.
#
#   cimi-ffi/scripts/generate.sh [--release] [--probes]
#
#   --release  build the library with the release profile (default: dev)
#   --probes   enable the `probes` cargo feature (FFI overhead probes and panic
#              triggers used by the JVM tests and benchmark; never in a release
#              you ship)
#
# Output, under cimi-ffi/generated/ (git-ignored):
#   kotlin/fr/cimi/cimi_ffi.kt   Kotlin (JNA) bindings, package fr.cimi, Java facade class `Cimi`
#   swift/                       Cimi.swift, CimiFFI.h, CimiFFI.modulemap
#   python/cimi_ffi.py           Python (ctypes) bindings, with a copy of the library beside it
#   native/libcimi_ffi.so        the library the Maven build puts in the jar
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
profile=debug
features=()
release=()
for arg in "$@"; do
    case "$arg" in
        --release) profile=release; release=(--release) ;;
        --probes) features=(--features probes) ;;
        *) echo "usage: $0 [--release] [--probes]" >&2; exit 2 ;;
    esac
done

case "$(uname -s)" in
    Darwin) libfile=libcimi_ffi.dylib ;;
    MINGW* | MSYS* | CYGWIN*) libfile=cimi_ffi.dll ;;
    *) libfile=libcimi_ffi.so ;;
esac

cd "$root"
# The generator always runs from the dev profile; the library from the chosen one.
cargo build -p cimi-ffi --bin uniffi-bindgen ${features[@]+"${features[@]}"}
cargo build -p cimi-ffi --lib ${release[@]+"${release[@]}"} ${features[@]+"${features[@]}"}

target_dir="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
lib="$target_dir/$profile/$libfile"
bindgen="$target_dir/debug/uniffi-bindgen"
out="$root/cimi-ffi/generated"

rm -rf "$out"
for language in kotlin swift python; do
    "$bindgen" generate "$lib" --language "$language" --no-format --out-dir "$out/$language" >/dev/null
done

# Five touches for Java callers (the Kotlin API only gains the base class's
# members):
# - top-level functions land in a JVM class named after the file
#   (`Cimi_ffiKt`): name it `Cimi`, as in `Cimi.nowMs()`;
# - objects' named constructors live in a Kotlin companion object: mark them
#   @JvmStatic, so Java writes `Community.cimi()`, not `Community.Companion.cimi()`;
# - a record with defaulted fields (`#[uniffi(default = …)]`, always the last
#   ones) gets a `@JvmOverloads` constructor, so Java can leave them out as
#   Kotlin does: `new ProfileUpdate()`, the eight-argument
#   `new RegistrationRequest(…)` (its `acknowledgesAll` defaults to false);
# - a string that is not valid UTF-16 (a lone surrogate) cannot be encoded to
#   UTF-8 for the call: uniffi lets the encoder's checked
#   `java.nio.charset.MalformedInputException` escape from methods that do not
#   declare it (Java cannot even catch it by name); throw an unchecked
#   IllegalArgumentException instead, before anything reaches the library;
# - every family of `CimiException` carries the same five fields (kind,
#   family, detail, detailFr, details), but uniffi declares them on each
#   subclass only: declare them abstract on the sealed base class and make
#   the subclasses' fields `override`, so `catch (CimiException e)` reads
#   `e.getKind()`, `e.getDetails()`… without a cast (a static helper such as
#   `CimiExceptions.kind(e)` would work too, but is not where a Java
#   developer looks, nor what an IDE offers after `e.`).
kt="$out/kotlin/fr/cimi/cimi_ffi.kt"
python3 - "$kt" <<'PY'
import re, sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
marker = '@file:Suppress("NAME_SHADOWING")\n'
if marker not in text:
    sys.exit(f"generate.sh: unexpected header in {path}")
text = text.replace(marker, marker + '@file:JvmName("Cimi")\n', 1)

encode = """            onMalformedInput(CodingErrorAction.REPORT)
            encode(CharBuffer.wrap(value))
"""
if text.count(encode) != 1:
    sys.exit(f"generate.sh: FfiConverterString.toUtf8 not found as expected in {path}")
text = text.replace(encode, """            onMalformedInput(CodingErrorAction.REPORT)
            try {
                encode(CharBuffer.wrap(value))
            } catch (e: java.nio.charset.CharacterCodingException) {
                throw IllegalArgumentException(
                    "a string argument is not valid UTF-16 (lone surrogate); cimi takes text as UTF-8", e)
            }
""", 1)

def close_of(text, open_at):
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    sys.exit("generate.sh: unbalanced braces in a companion object")

# Records whose constructor has defaulted parameters: @JvmOverloads.
overloads = 0
def jvm_overloads(m):
    global overloads
    params = m.group(2)
    if not re.search(r"^\s*var `\w+`: [^\n]* = ", params, flags=re.M):
        return m.group(0)
    overloads += 1
    return f"data class {m.group(1)} @JvmOverloads constructor ({params}\n){{"
text = re.sub(r"data class (\w+) \((.*?)\n\)\{", jvm_overloads, text, flags=re.S)
if overloads == 0:
    sys.exit("generate.sh: found no record with defaulted fields to mark @JvmOverloads")

# CimiException: the fields every family carries, on the base class.
head = "sealed class CimiException: kotlin.Exception() {\n"
if text.count(head) != 1:
    sys.exit(f"generate.sh: sealed class CimiException not found as expected in {path}")
start = text.index(head) + len(head)
end = text.find("    companion object ErrorHandler", start)
if end < 0:
    sys.exit(f"generate.sh: CimiException.ErrorHandler not found in {path}")
fields = ["kind", "family", "detail", "detailFr", "details"]
body = text[start:end]
variants = len(re.findall(r"\) : CimiException\(\) \{", body))
body, n = re.subn(r"^(\s+)val `(" + "|".join(fields) + r")`:", r"\1override val `\2`:", body, flags=re.M)
if variants < 10 or n != len(fields) * variants:
    sys.exit(f"generate.sh: expected the fields {fields} on each of the {variants} CimiException families, found {n}")
base = '''
    /** The core's stable snake_case kind (`event_full`, `member_not_found`…): what a program branches on. */
    abstract val `kind`: kotlin.String

    /** The family, as the core names it (`refused`, `not_found`, `invalid_state`…; `internal` for bugs). */
    abstract val `family`: kotlin.String

    /** The message in English. */
    abstract val `detail`: kotlin.String

    /** The message in French. */
    abstract val `detailFr`: kotlin.String

    /**
     * What the error is about as named values (`field`, `obligation`, `entity` and `id`…),
     * the core's details; empty when the kind says all.
     */
    abstract val `details`: Map<kotlin.String, kotlin.String>
'''
text = text[:start] + base + body + text[end:]

out, pos, count = [], 0, 0
for m in re.finditer(r"companion object \{", text):
    if m.start() < pos:
        continue
    end = close_of(text, m.end() - 1)
    block = text[m.start():end]
    if "_fn_constructor_" in block:
        block, n = re.subn(r"(?<![@\w])fun `", "@JvmStatic fun `", block)
        count += n
    out.append(text[pos:m.start()])
    out.append(block)
    pos = end
out.append(text[pos:])
if count == 0:
    sys.exit("generate.sh: found no named constructor to mark @JvmStatic")
open(path, "w", encoding="utf-8").write("".join(out))
PY

# The copies shipped in the jar and beside the Python module, without the
# debug info of a dev build (~90 MB → ~10 MB); symbols stay for backtraces.
mkdir -p "$out/native"
cp "$lib" "$out/native/$libfile"
if [ "$libfile" = libcimi_ffi.so ] && command -v strip >/dev/null 2>&1; then
    strip --strip-debug "$out/native/$libfile"
fi
cp "$out/native/$libfile" "$out/python/$libfile"

echo "generated Kotlin, Swift and Python bindings of $lib ($profile${features[*]:+, ${features[*]}}) in $out"
