# qemu/common.sh: what qemu/run and qemu/debug share (sourced, not run). Builds the QEMU
# command line of an image from qemu/flags and the board's file, as mote.qemu.QemuRunner does.
# Needs bash, coreutils, python3 (to read the JSON board files) and qemu-system-arm.

# Exit codes, as `mote run`'s: the program's own code; 124 when --timeout ran out; 1 when
# QEMU or this script failed (QEMU missing, a bad option after `--`, an image for another
# board); 2 for a usage error (a bad flag, an unknown board, a missing file).
readonly EXIT_FAILED=1 EXIT_USAGE=2 EXIT_TIMEOUT=124

qemu_dir=$(cd -P "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mote_root=$(cd -P "$qemu_dir/.." && pwd)
boards_dir="$mote_root/boards"
flags_file="$qemu_dir/flags"
default_board=lm3s6965evb
default_port=1234

die() {   # die CODE MESSAGE...
  local code=$1
  shift
  printf '%s: error: %s\n' "$prog" "$*" >&2
  exit "$code"
}

# Reads qemu/flags into run_lines, debug_lines and harmless_lines (one entry per line).
read_flags() {
  run_lines=() debug_lines=() harmless_lines=()
  [ -r "$flags_file" ] || die $EXIT_FAILED "cannot read $flags_file (QEMU's command line for every board)"
  local line section=
  while IFS= read -r line || [ -n "$line" ]; do
    line=$(trim "$line")
    case $line in
      '' | '#'*) continue ;;
      '['*']') section=${line:1:${#line}-2}; continue ;;
    esac
    case $section in
      run) run_lines+=("$line") ;;
      debug) debug_lines+=("$line") ;;
      harmless-stderr) harmless_lines+=("$line") ;;
      *) die $EXIT_FAILED "$flags_file: \`$line\` is outside a known section" ;;
    esac
  done <"$flags_file"
}

trim() {
  local text=${1%$'\r'}
  text=${text#"${text%%[![:space:]]*}"}
  printf '%s' "${text%"${text##*[![:space:]]}"}"
}

# fill_options LINE... : appends the options' words to `qemu_command`, placeholders filled in from
# machine, icount_shift, port and elf ({elf} last, so a path holding braces stays as it is).
fill_options() {
  local line word
  local -a words
  for line in "$@"; do
    read -r -a words <<<"$line"
    for word in "${words[@]}"; do
      word=${word//\{machine\}/"$machine"}
      word=${word//\{icount-shift\}/"$icount_shift"}
      word=${word//\{port\}/"$port"}
      word=${word//\{elf\}/"$elf"}
      qemu_command+=("$word")
    done
  done
}

# Sets machine and board_args (the board's qemu.extra-args) for board $board, and checks that
# $elf is a 32-bit ARM ELF whose loadable bytes lie in that board's memory.
read_board() {
  command -v python3 >/dev/null 2>&1 \
    || die $EXIT_FAILED "python3 is needed to read $boards_dir/*.json; install it with \`apt-get install python3\`"
  local out status=0
  out=$(python3 - "$boards_dir" "$board" "$elf" <<'PYTHON'
import difflib, json, os, re, struct, sys

boards_dir, name, elf = sys.argv[1:4]

def fail(code, message):   # the shell prints it as an error and exits with code
    print(message)
    sys.exit(code)

def names():
    return sorted(f[:-5] for f in os.listdir(boards_dir) if f.endswith(".json"))

def merge(base, override):   # as BoardLoader: objects merge key by key, the rest is replaced
    for key, value in override.items():
        if isinstance(base.get(key), dict) and isinstance(value, dict):
            merge(base[key], value)
        else:
            base[key] = value

def resolve(board, chain):
    if board in chain:
        fail(1, "boards: `inherits` cycle: " + " -> ".join(chain + [board]))
    path = os.path.join(boards_dir, board + ".json")
    try:
        with open(path) as f:
            own = json.load(f)
    except ValueError as e:
        fail(1, "boards/%s.json: invalid JSON: %s" % (board, e))
    parent = own.pop("inherits", None)
    if parent is None:
        return own
    if not os.path.isfile(os.path.join(boards_dir, str(parent) + ".json")):
        fail(1, "boards/%s.json: `inherits`: no board file `%s.json`" % (board, parent))
    merged = resolve(parent, chain + [board])
    merge(merged, own)
    return merged

def size(text):   # as mote.board.Sizes: 4096, "0x4000C000", "256K", "4M"
    if isinstance(text, int):
        return text
    s = str(text).strip().upper()
    unit = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(s[-1:], 1)
    if unit > 1:
        s = s[:-1]
    return int(s, 16 if s.startswith("0X") else 10) * unit

if not re.fullmatch(r"[A-Za-z0-9._-]+", name) or not os.path.isfile(os.path.join(boards_dir, name + ".json")):
    close = difflib.get_close_matches(name, names(), n=1)
    if not close and len(name) >= 4:   # a start of a name, as `lm3s6965` for lm3s6965evb
        close = [n for n in names() if n.lower().startswith(name.lower())][:1]
    fail(2, "unknown board `%s`%s (the files in %s)" % (name, "; did you mean `%s`?" % close[0] if close else "", boards_dir))
board = resolve(name, [])
if "memory" not in board:
    fail(2, "`%s` is a core, not a board: it describes a CPU but no memory map" % name)
qemu = board.get("qemu")
if not isinstance(qemu, dict) or not isinstance(qemu.get("machine"), str):
    fail(1, "board `%s` cannot run in QEMU (no `qemu` section in %s.json); use `mote flash` on real hardware" % (name, name))
extra = qemu.get("extra-args", [])
if not isinstance(extra, list) or not all(isinstance(a, str) and "\n" not in a for a in extra):
    fail(1, "boards/%s.json: `qemu.extra-args`: expected a list of strings" % name)

# The image: a 32-bit little-endian ARM ELF, every loadable segment inside the board's memory.
try:
    with open(elf, "rb") as f:
        data = f.read()
except OSError as e:
    fail(2, "cannot read %s: %s" % (elf, e.strerror))
if data[:6] != b"\x7fELF\x01\x01" or len(data) < 52 or struct.unpack_from("<H", data, 18)[0] != 40:
    fail(1, "%s is not a 32-bit ARM ELF image" % elf)
phoff, = struct.unpack_from("<I", data, 28)
phentsize, phnum = struct.unpack_from("<HH", data, 42)
regions = [(r["name"], size(r["origin"]), size(r["length"])) for r in board["memory"]]
for i in range(phnum):
    at = phoff + i * phentsize
    if at + 32 > len(data):
        fail(1, "%s is cut short (program header %d)" % (elf, i))
    kind, _, _, paddr, _, memsz = struct.unpack_from("<IIIIII", data, at)
    if kind != 1 or memsz == 0:   # PT_LOAD only
        continue
    if not any(origin <= paddr and paddr + memsz <= origin + length for _, origin, length in regions):
        fail(1, "%s was not linked for board `%s`: it has bytes at 0x%08x..0x%08x, outside the board's %s; "
                "name the board it was built for" % (elf, name, paddr, paddr + memsz,
                " and ".join("%s 0x%08x..0x%08x" % (n, o, o + l) for n, o, l in regions)))

print(qemu["machine"])
for arg in extra:
    print(arg)
PYTHON
) || status=$?
  [ "$status" -eq 0 ] || die "$status" "$out"
  mapfile -t board_args <<<"$out"
  machine=${board_args[0]}
  board_args=("${board_args[@]:1}")
}

# Sets qemu_path: $MOTE_QEMU (a path or a name) or qemu-system-arm, found as QemuRunner finds it.
locate_qemu() {
  local name=${MOTE_QEMU:-qemu-system-arm}
  if [[ $name == */* ]]; then
    [ -f "$name" ] && [ -x "$name" ] && { qemu_path=$name; return; }
  elif qemu_path=$(type -P "$name"); then
    return
  fi
  die $EXIT_FAILED "$name not found; install it with \`apt-get install qemu-system-arm\`"
}

# QEMU options after `--` that print help or a version and exit without running the program
# (`-version`, `-cpu help`, `-d ?`): their text would pass for the program's output and QEMU's
# status for its exit code. Refused as `mote run` refuses them (QemuRunner.refuseInformational).
refuse_informational() {
  local arg option previous= item items
  for arg in "$@"; do
    option=$arg
    [[ $arg == --* ]] && option=${arg#-}
    case $option in
      -h | -help | -version)
        die $EXIT_USAGE "\`$arg\` makes QEMU print its help or version and exit without running the program" ;;
    esac
    if [[ $arg != -* && $previous == -* ]]; then
      IFS=, read -ra items <<< "$arg"
      for item in "${items[@]}"; do
        if [ "$item" = help ] || [ "$item" = '?' ]; then
          die $EXIT_USAGE "\`$previous $arg\` makes QEMU print its help and exit without running the program"
        fi
      done
    fi
    previous=$arg
  done
}

# Sets `qemu_command`: QEMU, [run], [debug] when $port is set, the board's extra-args, then "$@".
build_command() {
  refuse_informational "$@"
  read_flags
  read_board
  locate_qemu
  qemu_command=("$qemu_path")
  fill_options "${run_lines[@]}"
  [ -z "$port" ] || fill_options "${debug_lines[@]}"
  qemu_command+=("${board_args[@]}" "$@")
}

# Copies QEMU's stderr to ours minus the harmless lines; returns 3 when QEMU reported an error
# of its own (`qemu-system-arm: message`, not a warning), as QemuRunner tells them apart.
filter_stderr() {
  local line text harmless prefix failed=0
  prefix="$(basename "$qemu_path"): "
  while IFS= read -r line || [ -n "$line" ]; do
    text=$(trim "$line")
    text=${text#"$prefix"}
    for harmless in "${harmless_lines[@]}"; do
      [ "$text" = "$harmless" ] && continue 2
    done
    case $line in
      "$prefix"warning:*) ;;
      "$prefix"terminating\ on\ signal*) continue ;;   # stopped by --timeout or Ctrl-C: said below
      "$prefix"*) failed=1 ;;
    esac
    printf '%s\n' "$line" >&2
  done
  return $((failed ? 3 : 0))
}

# Prints its arguments as one shell command line: plain words as they are, others in single quotes.
shell_words() {
  local word sep=
  for word in "$@"; do
    if [[ $word =~ ^[A-Za-z0-9_./,:=+@%^-]+$ ]]; then
      printf '%s%s' "$sep" "$word"
    else
      printf "%s'%s'" "$sep" "${word//\'/\'\\\'\'}"
    fi
    sep=' '
  done
}

# The first gdb that debugs ARM: gdb-multiarch (Debian) or arm-none-eabi-gdb (Arm's toolchain).
find_gdb() {
  local gdb
  for gdb in gdb-multiarch arm-none-eabi-gdb; do
    type -P "$gdb" && return 0
  done
  return 1
}

# The gdb command that attaches to QEMU's gdbstub on $port with $elf's symbols and qemu/gdbinit.
attach_command() {
  local gdb
  gdb=$(find_gdb) || gdb=gdb-multiarch
  # Mote's folder as a source directory: DWARF names runtime-c's files from it.
  shell_words "$(basename "$gdb")" --directory="$(cd "$qemu_dir/.." && pwd)" -q -x "$qemu_dir/gdbinit" -ex "target remote localhost:$port" "$elf"
}

# The hint printed when QEMU starts halted.
print_attach_hint() {
  printf '%s: QEMU is halted at reset, its gdbstub on localhost:%s; attach with:\n  %s\n' \
    "$prog" "$port" "$(attach_command)" >&2
  find_gdb >/dev/null || printf '  (install gdb with `apt-get install gdb-multiarch`)\n' >&2
}
