# shellcheck shell=bash
# Sourced by bin/web and bin/release: checks DJANGO_PROJECT and exports the production settings
# module of that project. Both Heroku apps run from this one repository, so a missing or mistyped
# DJANGO_PROJECT must stop the dyno rather than start the other project.

readonly DJANGO_PROJECTS="scoring_api portal"

case "${DJANGO_PROJECT:-}" in
  scoring_api | portal) ;;
  "")
    echo "error: DJANGO_PROJECT is not set; set it to one of: ${DJANGO_PROJECTS}" \
      "(heroku config:set DJANGO_PROJECT=scoring_api -a <app>)" >&2
    exit 64
    ;;
  *)
    echo "error: DJANGO_PROJECT='${DJANGO_PROJECT}' is not one of: ${DJANGO_PROJECTS}" >&2
    exit 64
    ;;
esac

DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-${DJANGO_PROJECT}.config.settings.production}"
export DJANGO_SETTINGS_MODULE
if [[ "${DJANGO_SETTINGS_MODULE}" != "${DJANGO_PROJECT}".* ]]; then
  echo "error: DJANGO_SETTINGS_MODULE='${DJANGO_SETTINGS_MODULE}' does not belong to" \
    "DJANGO_PROJECT='${DJANGO_PROJECT}'" >&2
  exit 64
fi
