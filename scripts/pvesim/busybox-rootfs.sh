# Shared by the busybox template and the demo images (sourced): the base of a busybox-static rootfs.
# busybox_rootfs ROOT BUSYBOX EXTRA_DIR...: standard directories plus EXTRA_DIRs, busybox with one
# link per applet, /sbin/init = busybox init.
busybox_rootfs() {
  local root=$1 busybox=$2 a
  shift 2
  mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,run,var/log,root}
  for a in "$@"; do mkdir -p "$root/$a"; done
  chmod 1777 "$root/tmp"
  install -m0755 "$busybox" "$root/bin/busybox"
  for a in $("$busybox" --list); do [[ $a == busybox ]] || ln -sf busybox "$root/bin/$a"; done
  ln -sf ../bin/busybox "$root/sbin/init"
}
