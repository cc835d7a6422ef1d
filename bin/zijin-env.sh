# Sourced by bin/backup, bin/restore and bin/upgrade: when ZIJIN_ENV names a file (/etc/zijin/zijin.env), its
# KEY=value lines are exported exactly as systemd's EnvironmentFile= reads them (no quotes, no $expansion),
# without overriding what is already set in the environment.
zijin_load_env() {
  local file=${ZIJIN_ENV:-}
  [ -n "$file" ] || return 0
  [ -r "$file" ] || { echo "cannot read ZIJIN_ENV=$file" >&2; exit 2; }
  local key value
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|'#'*) continue ;; esac
    key=${line%%=*}
    value=${line#*=}
    [[ "$key" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
    [ -n "${!key+x}" ] || export "$key=$value"
  done <"$file"
}
# The application's setting NAME as Django sees it (MEDIA_ROOT, ...).
zijin_setting() {
  "$PY" -c "import django, sys; django.setup(); from django.conf import settings; print(getattr(settings, sys.argv[1]))" "$1"
}
