#!/bin/sh
# Builds target/mailassure-VERSION-image.tar, a container image for Kubernetes and the like, with
# no Docker daemon and no network: an OCI image layout (index.json, blobs/) that is also a Docker
# archive (manifest.json), so `docker load`, `podman load` and `skopeo copy oci-archive:...` take it.
#
# One layer: a Java runtime made by jlink from the building JDK, the C libraries it links
# (copied from this Debian build machine), CA certificates, the installed layout under
# /usr/share/mailassure, /etc/mailassure for the config, and /var/lib/mailassure for state.
# It runs as user mailassure (10001); the entrypoint is the launcher's service command line
# (there is no shell in the image), so `docker run IMAGE run` is the daemon and
# `docker run IMAGE validate` a one-off command.
#
# Usage: build-image.sh LAYOUT_DIR OUTPUT_TAR VERSION
set -eu
layout=$1
out=$2
version=$3
jdk=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
if [ ! -f "$jdk/jmods/java.base.jmod" ] || ! command -v ldd >/dev/null; then
  echo "image: not built: $jdk has no jmods for jlink (or there is no ldd); the .deb and tarball are" >&2
  exit 0
fi
work=$(cd "$(dirname "$out")" && pwd)/image-work
rm -rf "$work"
mkdir -p "$work/rootfs" "$work/oci/blobs/sha256"
root=$work/rootfs

# The runtime: the modules mailassure and its libraries use (no desktop, so no X11 or sound
# libraries), without debug symbols, headers or man pages.
"$jdk/bin/jlink" --output "$root/opt/java" --strip-debug --no-header-files --no-man-pages \
  --compress=2 --add-modules java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.security.sasl,java.sql,java.xml,java.xml.crypto,jdk.unsupported,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.naming.dns,jdk.zipfs,jdk.net,jdk.httpserver,jdk.security.auth,jdk.charsets
# Debian's runtime links its trust store and security files out of /etc: take the real files.
for f in "$root"/opt/java/lib/security/* "$root"/opt/java/conf/security/*; do
  if [ -L "$f" ]; then
    target=$(readlink -f "$f")
    rm "$f"
    [ -f "$target" ] && cp "$target" "$f"
  fi
done
[ -f "$root/opt/java/lib/security/cacerts" ] || cp /etc/ssl/certs/java/cacerts "$root/opt/java/lib/security/cacerts"

# The C libraries the runtime and SQLite's library link, and the dynamic loader, at the paths
# they were found.
find "$root/opt/java" "$layout/lib/native" -type f \( -name '*.so' -o -perm -u+x \) | while read -r f; do
  ldd "$f" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p'
done | sort -u | while read -r lib; do
  case $lib in "$root"/*) continue ;; esac
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
for lib in /lib/x86_64-linux-gnu/libnss_files.so.2 /lib/x86_64-linux-gnu/libnss_dns.so.2 \
  /lib/x86_64-linux-gnu/libresolv.so.2; do
  [ -e "$lib" ] && mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib"
done
if [ -e /lib64/ld-linux-x86-64.so.2 ]; then
  mkdir -p "$root/lib64" && cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
fi

# mailassure, as the .deb installs it.
mkdir -p "$root/usr/share/mailassure" "$root/usr/bin" "$root/etc/mailassure" "$root/var/lib/mailassure" "$root/tmp"
cp -R "$layout/bin" "$layout/lib" "$root/usr/share/mailassure/"
cp "$layout/etc/mailassure.example.yaml" "$root/etc/mailassure/mailassure.example.yaml"
ln -s ../share/mailassure/bin/mailassure "$root/usr/bin/mailassure"
printf 'root:x:0:0:root:/root:/sbin/nologin\nmailassure:x:10001:10001:mailassure:/var/lib/mailassure:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nmailassure:x:10001:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
chmod -R u=rwX,go=rX "$root"
chmod 1777 "$root/tmp"
chmod 0750 "$root/etc/mailassure"
chmod 0700 "$root/var/lib/mailassure"

# The layer, reproducible: sorted names, fixed times, numeric owners (state dir the service's).
layer=$work/layer.tar
tar --sort=name --mtime=@0 --numeric-owner --owner=0 --group=0 --format=posix \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  --exclude=./var/lib/mailassure --exclude=./etc/mailassure -C "$root" -cf "$layer" .
tar --sort=name --mtime=@0 --numeric-owner --owner=0 --group=10001 --format=posix \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  -C "$root" -rf "$layer" ./etc/mailassure
tar --sort=name --mtime=@0 --numeric-owner --owner=10001 --group=10001 --format=posix \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  -C "$root" -rf "$layer" ./var/lib/mailassure
diff_id=$(sha256sum "$layer" | cut -d' ' -f1)
gzip -9n <"$layer" >"$work/layer.tar.gz"
layer_digest=$(sha256sum "$work/layer.tar.gz" | cut -d' ' -f1)
layer_size=$(stat -c %s "$work/layer.tar.gz")
mv "$work/layer.tar.gz" "$work/oci/blobs/sha256/$layer_digest"

# The service's JVM options, read from the launcher so the image and the unit agree.
opts=$(sed -n '/^  service)/,/;;/p' "$layout/bin/mailassure" | grep -o -- '-X[^ "]*' | sed 's/.*/"&"/' | paste -sd, -)
config=$work/config.json
cat >"$config" <<JSON
{"architecture":"amd64","os":"linux","config":{"User":"10001:10001","WorkingDir":"/var/lib/mailassure","Env":["PATH=/usr/bin:/opt/java/bin","JAVA_HOME=/opt/java","MALLOC_ARENA_MAX=2","STATE_DIRECTORY=/var/lib/mailassure"],"Entrypoint":["/opt/java/bin/java",$opts,"-cp","/usr/share/mailassure/lib/mailassure-boot.jar","org.mailassure.boot.Boot"],"Cmd":["run"],"Volumes":{"/var/lib/mailassure":{}},"Labels":{"org.opencontainers.image.title":"mailassure","org.opencontainers.image.version":"$version","org.opencontainers.image.licenses":"MIT"}},"rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},"history":[{"created_by":"src/image/build-image.sh"}]}
JSON
config_digest=$(sha256sum "$config" | cut -d' ' -f1)
config_size=$(stat -c %s "$config")
mv "$config" "$work/oci/blobs/sha256/$config_digest"
manifest=$work/manifest.oci.json
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
  "$config_digest" "$config_size" "$layer_digest" "$layer_size" >"$manifest"
manifest_digest=$(sha256sum "$manifest" | cut -d' ' -f1)
manifest_size=$(stat -c %s "$manifest")
mv "$manifest" "$work/oci/blobs/sha256/$manifest_digest"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"mailassure:%s","org.opencontainers.image.ref.name":"%s"}}]}' \
  "$manifest_digest" "$manifest_size" "$version" "$version" >"$work/oci/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$work/oci/oci-layout"
printf '[{"Config":"blobs/sha256/%s","RepoTags":["mailassure:%s"],"Layers":["blobs/sha256/%s"]}]' \
  "$config_digest" "$version" "$layer_digest" >"$work/oci/manifest.json"
tar --sort=name --mtime=@0 --numeric-owner --owner=0 --group=0 -C "$work/oci" -cf "$out" .
rm -rf "$work"
echo "image: $out ($(du -h "$out" | cut -f1))"
