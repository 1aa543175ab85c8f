"""stowage: the public API. Load rules from here; implementations live in rules/private/.

docs/rules.md is generated from the doc strings of what this file exports, in this order
(scripts/gen_rule_docs.py)."""

load("//rules:providers.bzl", _DebLayerInfo = "DebLayerInfo", _DebPackagesInfo = "DebPackagesInfo", _ImageIndexInfo = "ImageIndexInfo", _ImageInfo = "ImageInfo", _LayerInfo = "LayerInfo", _StaticAssetsInfo = "StaticAssetsInfo")
load("//rules/private:cc_toolchain_repository.bzl", _stowage_cc_toolchain = "stowage_cc_toolchain")
load("//rules/private:check.bzl", _deploy_check_test = "deploy_check_test")
load("//rules/private:compose.bzl", _ComposeInfo = "ComposeInfo", _compose_file = "compose_file")
load("//rules/private:deb_layer.bzl", _deb_layer = "deb_layer", _deb_layer_rule = "deb_layer_rule")
load("//rules/private:deb_lock.bzl", _deb_lock = "deb_lock")
load("//rules/private:deb_repositories.bzl", _deb_packages = "deb_packages")
load("//rules/private:heroku.bzl", _HerokuAppInfo = "HerokuAppInfo", _heroku_app = "heroku_app", _heroku_release = "heroku_release")
load("//rules/private:image.bzl", _oci_image = "oci_image", _oci_image_rule = "oci_image_rule")
load("//rules/private:import.bzl", _oci_import = "oci_import")
load("//rules/private:index.bzl", _oci_image_index = "oci_image_index", _oci_image_index_rule = "oci_image_index_rule")
load("//rules/private:layer.bzl", _oci_layer = "oci_layer")
load("//rules/private:layout.bzl", _oci_layout = "oci_layout")
load("//rules/private:load.bzl", _oci_load = "oci_load", _oci_load_rule = "oci_load_rule")
load("//rules/private:pull.bzl", _oci_pull = "oci_pull")
load("//rules/private:push.bzl", _oci_push = "oci_push", _oci_push_rule = "oci_push_rule")
load("//rules/private:runtime_closure.bzl", _runtime_closure = "runtime_closure")
load("//rules/private:sbom.bzl", _ProvenanceInfo = "ProvenanceInfo", _SbomInfo = "SbomInfo", _oci_provenance = "oci_provenance", _oci_sbom = "oci_sbom")
load("//rules/private:static.bzl", _static_assets = "static_assets")
load("//rules/private:tarball.bzl", _oci_tarball = "oci_tarball")
load("//rules/private:toolchain.bzl", _stowage_binary = "stowage_binary", _stowage_prebuilt_toolchain = "stowage_prebuilt_toolchain", _stowage_toolchain = "stowage_toolchain")

# Layers and images.
oci_layer = _oci_layer
oci_image = _oci_image
oci_image_rule = _oci_image_rule
oci_image_index = _oci_image_index
oci_image_index_rule = _oci_image_index_rule

# Outputs: a layout directory, a tarball, a local engine, a registry.
oci_layout = _oci_layout
oci_tarball = _oci_tarball
oci_load = _oci_load
oci_load_rule = _oci_load_rule
oci_push = _oci_push
oci_push_rule = _oci_push_rule

# Supply chain: SBOMs (signatures and attestations are oci_push's sign and sbom).
oci_sbom = _oci_sbom
oci_provenance = _oci_provenance

# Inputs: base images and runtimes.
oci_pull = _oci_pull
oci_import = _oci_import
runtime_closure = _runtime_closure
deb_lock = _deb_lock
deb_packages = _deb_packages
deb_layer = _deb_layer
deb_layer_rule = _deb_layer_rule

# Django static assets and deployment.
static_assets = _static_assets
heroku_app = _heroku_app
heroku_release = _heroku_release
compose_file = _compose_file
deploy_check_test = _deploy_check_test

# The tool itself (docs/toolchain.md).
stowage_toolchain = _stowage_toolchain
stowage_prebuilt_toolchain = _stowage_prebuilt_toolchain
stowage_cc_toolchain = _stowage_cc_toolchain
stowage_binary = _stowage_binary

# Providers.
LayerInfo = _LayerInfo
ImageInfo = _ImageInfo
ImageIndexInfo = _ImageIndexInfo
StaticAssetsInfo = _StaticAssetsInfo
DebPackagesInfo = _DebPackagesInfo
DebLayerInfo = _DebLayerInfo
HerokuAppInfo = _HerokuAppInfo
ComposeInfo = _ComposeInfo
SbomInfo = _SbomInfo
ProvenanceInfo = _ProvenanceInfo
