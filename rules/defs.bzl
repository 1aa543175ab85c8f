"""stowage: the public API. Load rules from here; implementations live in rules/private/."""

load("//rules:providers.bzl", _ImageIndexInfo = "ImageIndexInfo", _ImageInfo = "ImageInfo", _LayerInfo = "LayerInfo", _StaticAssetsInfo = "StaticAssetsInfo")
load("//rules/private:import.bzl", _oci_import = "oci_import")
load("//rules/private:layer.bzl", _oci_layer = "oci_layer")

LayerInfo = _LayerInfo
ImageInfo = _ImageInfo
ImageIndexInfo = _ImageIndexInfo
StaticAssetsInfo = _StaticAssetsInfo

oci_import = _oci_import
oci_layer = _oci_layer
