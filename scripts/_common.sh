# Shared by scripts/run and scripts/test (sourced, not run on its own).
# Puts the shell at the repository root, makes sure uv is there and the locked environment is
# installed. Never downloads a Python: the machine's Python 3.11 is used.

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export UV_PYTHON_DOWNLOADS=never

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

if command -v uv >/dev/null 2>&1; then
    UV=("$(command -v uv)")
elif python3 -m uv --version >/dev/null 2>&1; then
    UV=(python3 -m uv)
else
    say "安装 uv (python3 -m pip install uv)"
    python3 -m pip install --quiet uv \
        || python3 -m pip install --quiet --user uv \
        || python3 -m pip install --quiet --user --break-system-packages uv
    UV=(python3 -m uv)
fi

# An absolute path (or python3 -m uv), so this function never calls itself.
uv() { "${UV[@]}" "$@"; }

say "安装锁定的依赖 (uv sync --frozen)"
uv sync --frozen --quiet

# Translations: the compiled .mo files are committed; compile only when a .po is newer than its
# .mo and gettext's msgfmt is available.
compile_messages_if_needed() {
    local po mo need=0
    while IFS= read -r -d '' po; do
        mo="${po%.po}.mo"
        if [[ ! -f "$mo" || "$po" -nt "$mo" ]]; then need=1; fi
    done < <(find locale quntuan -name '*.po' -print0 2>/dev/null)
    if (( need )); then
        if command -v msgfmt >/dev/null 2>&1; then
            say "编译翻译文件 (compilemessages)"
            uv run python manage.py compilemessages --ignore=.venv >/dev/null
        else
            say "提示: 未安装 gettext, 使用仓库中已编译的翻译文件"
        fi
    fi
}
