# subexd in a container on Debian 12: built in one stage with the Debian packages scripts/setup.sh
# names, run from debian:12-slim as an unprivileged user with only the runtime libraries.
#
#   docker build -t subex .
#   docker run -d --name subex -p 8080:8080 -v subex-data:/var/lib/subex subex
#   docker exec subex cat /var/lib/subex/admin.key     # made on first start
#   docker logs subex                                   # the JSON log
#   docker stop subex                                   # SIGTERM: drain, snapshot, exit 0
#
# Settings come from /etc/subex/subex.toml and, above it, SUBEX_SECTION_KEY variables
# (`docker run -e SUBEX_LOG_ACCESS=true ...`); pass SUBEX_ADMIN_KEY to choose the admin key.
# `docker stop` waits 10 s by default before SIGKILL: give it the shutdown deadline
# (`docker stop -t 70`) on a large exchange. Nothing acknowledged is lost either way.

FROM debian:12 AS build
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        build-essential cmake ninja-build pkg-config \
        libboost-dev librocksdb-dev libsimdjson-dev libabsl-dev libgtest-dev libgmock-dev \
        libbenchmark-dev libtomlplusplus-dev libssl-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
    && ninja -C build subexd \
    && DESTDIR=/out cmake --install build

FROM debian:12-slim
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libstdc++6 librocksdb7.8 libsimdjson14 libabsl20220623 libtomlplusplus3 libssl3 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --user-group --home-dir /var/lib/subex --shell /usr/sbin/nologin subex \
    && install -d -o subex -g subex -m 0700 /var/lib/subex
COPY --from=build /out/usr/bin/subexd /usr/bin/subexd
COPY --from=build /out/etc/subex/ /etc/subex/
USER subex
WORKDIR /var/lib/subex
ENV SUBEX_SERVER_LISTEN=0.0.0.0:8080 \
    GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.top_pad=67108864
VOLUME /var/lib/subex
EXPOSE 8080
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/subexd", "--config", "/etc/subex/subex.toml", "--data-dir", "/var/lib/subex"]
