"""stowage: the public API. Load rules from here; implementations live in rules/private/."""

load("//rules:providers.bzl", _ImageIndexInfo = "ImageIndexInfo", _ImageInfo = "ImageInfo", _LayerInfo = "LayerInfo", _StaticAssetsInfo = "StaticAssetsInfo")
load("//rules/private:import.bzl", _oci_import = "oci_import")
load("//rules/private:pull.bzl", _oci_pull = "oci_pull")
load("//rules/private:push.bzl", _oci_push = "oci_push")

LayerInfo = _LayerInfo
ImageInfo = _ImageInfo
ImageIndexInfo = _ImageIndexInfo
StaticAssetsInfo = _StaticAssetsInfo

oci_import = _oci_import
oci_push = _oci_push
oci_pull = _oci_pull
