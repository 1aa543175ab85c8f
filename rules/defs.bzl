"""stowage: the public API. Load rules from here; implementations live in rules/private/."""

load("//rules:providers.bzl", _ImageIndexInfo = "ImageIndexInfo", _ImageInfo = "ImageInfo", _LayerInfo = "LayerInfo", _StaticAssetsInfo = "StaticAssetsInfo")

LayerInfo = _LayerInfo
ImageInfo = _ImageInfo
ImageIndexInfo = _ImageIndexInfo
StaticAssetsInfo = _StaticAssetsInfo

load("//rules/private:import.bzl", _oci_import = "oci_import")

oci_import = _oci_import
