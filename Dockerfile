# syntax=docker/dockerfile:1
# The shipgate image: every binary, git (shipgate-version and shipgate-log run it), ssh and CA
# certificates, on Alpine. Two ways to the binaries:
#   docker build .                             compiles them from this checkout (musl, static)
#   docker build --build-arg BINARIES=release .  takes them from the release archives in dist/
#                                              (scripts/release.sh), for the image's platform:
#                                              the release workflow's way, no second compile
ARG BINARIES=source

FROM rust:1.95-alpine AS source
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
RUN cargo build --release --locked \
 && mkdir /out \
 && awk '/^\[\[bin\]\]/ { b = 1; next } /^\[/ { b = 0 } b && /^name *=/ { sub(/^name *= *"/, ""); sub(/".*/, ""); print }' Cargo.toml \
    | while read -r bin; do cp "target/release/$bin" /out/; done

FROM --platform=$BUILDPLATFORM alpine:3.22 AS release
ARG TARGETARCH
COPY dist/ /dist/
RUN case "$TARGETARCH" in \
      amd64) target=x86_64-unknown-linux-musl ;; \
      arm64) target=aarch64-unknown-linux-musl ;; \
      *) echo "no shipgate archive for $TARGETARCH" >&2; exit 1 ;; \
    esac \
 && set -- /dist/shipgate-*-"$target".tar.gz \
 && [ "$#" -eq 1 ] && [ -f "$1" ] || { echo "dist/ needs exactly one shipgate-*-$target.tar.gz" >&2; exit 1; } \
 && mkdir /out && tar -xzf "$1" -C /out

FROM ${BINARIES} AS binaries

FROM alpine:3.22
RUN apk add --no-cache git openssh-client ca-certificates
COPY --from=binaries /out/ /usr/local/bin/
RUN git config --system --add safe.directory '*'
CMD ["shipgate-version", "--help"]
