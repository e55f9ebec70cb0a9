# Shared by the bench/ scripts (source it): release builds that never touch the test suite's `.build/`.
#
#   workbench_binary ROOT        prints the workbench executable to time: $WORKBENCH when set, else a release build
#                                of ROOT (static Swift runtime, scratch folder ROOT/.build-rel, built on first use)
#   driver_binary ROOT NAME MAIN MODULE...
#                                builds and prints a benchmark driver: a throw-away package under
#                                ROOT/.build-bench/drivers/NAME whose executable NAME is the Swift files of MAIN (a file
#                                or a folder) and which links ROOT's Sources/MODULE for each MODULE (in dependency
#                                order, lowest first), plus WorkbenchCore and the C shims they import when ROOT has them
#                                (checkouts from before issue 12 have no WorkbenchCore). Isolated, so that only the
#                                measured libraries are built.

workbench_binary() {
  local root="$1"
  if [ -n "${WORKBENCH:-}" ]; then echo "$WORKBENCH"; return; fi
  mkdir -p "$root/.build-rel"
  (cd "$root" && swift build -c release --static-swift-stdlib --product workbench --scratch-path "$root/.build-rel" \
     > "$root/.build-rel/workbench-build.log" 2>&1) || { tail -20 "$root/.build-rel/workbench-build.log" >&2; return 1; }
  echo "$root/.build-rel/release/workbench"
}

driver_binary() {
  local root="$1" name="$2" main="$3"; shift 3
  local pkg="$root/.build-bench/drivers/$name" modules=("$@") targets="" module deps
  rm -rf "$pkg/Sources"; mkdir -p "$pkg/Sources/$name"
  if [ -d "$main" ]; then cp "$main"/*.swift "$pkg/Sources/$name/"; else cp "$main" "$pkg/Sources/$name/main.swift"; fi
  local all=()
  [ -d "$root/Sources/WorkbenchCore" ] && all+=(WorkbenchCore)
  all+=("${modules[@]}")
  for module in "${all[@]}"; do
    ln -sfn "$root/Sources/$module" "$pkg/Sources/$module"
    # The modules this one imports, among those of the package (CZlib is a system library target).
    deps=$({ grep -rhoE '^import (WorkbenchCore|CZlib|Frame|Stats|Learn)$' "$root/Sources/$module" || true; } | awk '{print $2}' | sort -u \
           | { grep -vx "$module" || true; } | sed 's/.*/"&"/' | paste -sd, -)
    targets+="    .target(name: \"$module\", dependencies: [${deps}], swiftSettings: strict),"$'\n'
  done
  local zlib=""
  if grep -rqE '^import CZlib$' "${all[@]/#/$root/Sources/}"; then
    ln -sfn "$root/Sources/CZlib" "$pkg/Sources/CZlib"
    zlib='    .systemLibrary(name: "CZlib", path: "Sources/CZlib"),'
  fi
  local products
  products=$(printf '"%s",' "${all[@]}")
  cat > "$pkg/Package.swift" <<SWIFT
// swift-tools-version:6.0
import PackageDescription
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]
let package = Package(
  name: "$name",
  platforms: [.macOS(.v15)],
  targets: [
$zlib
$targets    .executableTarget(name: "$name", dependencies: [${products%,}], swiftSettings: strict),
  ],
  swiftLanguageModes: [.v6]
)
SWIFT
  (cd "$pkg" && swift build -c release --product "$name" > "$pkg/build.log" 2>&1) || { tail -20 "$pkg/build.log" >&2; return 1; }
  echo "$pkg/.build/release/$name"
}
