"""stowage: the public API. Load rules from here; implementations live in rules/private/."""

load("//rules:providers.bzl", _ImageIndexInfo = "ImageIndexInfo", _ImageInfo = "ImageInfo", _LayerInfo = "LayerInfo", _StaticAssetsInfo = "StaticAssetsInfo")
load("//rules/private:check.bzl", _deploy_check_test = "deploy_check_test")
load("//rules/private:compose.bzl", _ComposeInfo = "ComposeInfo", _compose_file = "compose_file")
load("//rules/private:heroku.bzl", _HerokuAppInfo = "HerokuAppInfo", _heroku_app = "heroku_app", _heroku_release = "heroku_release")
load("//rules/private:import.bzl", _oci_import = "oci_import")

LayerInfo = _LayerInfo
ImageInfo = _ImageInfo
ImageIndexInfo = _ImageIndexInfo
StaticAssetsInfo = _StaticAssetsInfo

oci_import = _oci_import

heroku_app = _heroku_app
heroku_release = _heroku_release
HerokuAppInfo = _HerokuAppInfo
compose_file = _compose_file
ComposeInfo = _ComposeInfo
deploy_check_test = _deploy_check_test
