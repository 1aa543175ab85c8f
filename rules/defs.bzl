"""stowage: the public API. Load rules from here; implementations live in rules/private/."""

load("//rules:providers.bzl", _ImageIndexInfo = "ImageIndexInfo", _ImageInfo = "ImageInfo", _LayerInfo = "LayerInfo", _StaticAssetsInfo = "StaticAssetsInfo")
load("//rules/private:import.bzl", _oci_import = "oci_import")
load("//rules/private:static.bzl", _static_assets = "static_assets")

LayerInfo = _LayerInfo
ImageInfo = _ImageInfo
ImageIndexInfo = _ImageIndexInfo
StaticAssetsInfo = _StaticAssetsInfo

oci_import = _oci_import
static_assets = _static_assets
