# write_django_site DIR: a minimal Django project in DIR that collects STATIC_SRC into
# STATIC_ROOT (both from the environment) with WhiteNoise's CompressedManifestStaticFilesStorage
# and serves it through WhiteNoise's middleware: settings.py, urls.py and wsgi.py (the
# application gunicorn loads as wsgi:application). Used by the bookstore e2e test and bench.
write_django_site() {
  local dir=$1
  mkdir -p "$dir"
  cat >"$dir/settings.py" <<'PYEOF'
import os
SECRET_KEY = "test-only-" + "k" * 50
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["django.contrib.staticfiles"]
MIDDLEWARE = ["whitenoise.middleware.WhiteNoiseMiddleware"]
ROOT_URLCONF = "urls"
STATIC_URL = "/static/"
STATIC_ROOT = os.environ["STATIC_ROOT"]
STATICFILES_DIRS = [os.environ["STATIC_SRC"]]
STATICFILES_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
PYEOF
  echo "urlpatterns = []" >"$dir/urls.py"
  printf 'from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n' >"$dir/wsgi.py"
}
