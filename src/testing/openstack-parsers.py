"""Reads vfleet's OpenStack export with OpenStack's own code (Debian's
python3-nova and python3-neutron): oslo.config loads each file with the
options Nova and Neutron register, Nova's device-spec and alias parsers take
the [pci] entries and match them against a host's PCI devices, and the SR-IOV
agent's own config parser reads sriov_agent.ini. Prints JSON of what each
accepted and matched, or the error it raised, per file.

stdin: {"hosts": [{"name", "nova", "agent", "devices": [dev_dict, ...],
                   "requests": [request, ...] (optional)}],
        "ml2": path}
where each dev_dict is shaped like the ones Nova's PCI tracker filters
(address, vendor_id, product_id, dev_type, parent_addr; dev_type "vdpa" for
a VF that libvirt lists as the parent of a vDPA device, as Nova's libvirt
driver types it). A request is {"name", "vnic_type", "physnet"} (a Neutron
port, its PCI request built as Nova's neutron.py builds it) or {"name",
"alias"} (a flavor's pci_passthrough:alias); the answer names the devices
Nova's PciDeviceStats would pick from for it.
"""
import json
import sys

from oslo_config import cfg

import nova.conf  # noqa: F401  registers Nova's options, [pci] among them
from nova import objects
from nova.pci import request as pci_request
from nova.pci import stats as pci_stats
from nova.pci import utils as pci_utils
from nova.pci import whitelist
from neutron.conf.plugins.ml2.drivers import driver_type
from neutron.plugins.ml2.drivers.mech_sriov.agent import sriov_nic_agent
from neutron_lib.plugins import utils as plugin_utils

CONF = cfg.CONF
driver_type.register_ml2_drivers_vlan_opts()
objects.register_all()


def load(path):
    # Only this file: no /etc lookup, so the machine's own config cannot leak in.
    CONF(args=[], project=None, default_config_files=[path], default_config_dirs=[])


def nova_host(host):
    devices = host["devices"]
    pfs = {d["address"] for d in devices if d["dev_type"] == "type-PF"}
    # Nova asks sysfs whether an address in a spec is an SR-IOV PF; the
    # fixture host answers instead of this machine's sysfs.
    pci_utils.is_physical_function = (
        lambda d, b, s, f: "%s:%s:%s.%s" % (d, b, s, f) in pfs)
    load(host["nova"])
    wl = whitelist.Whitelist(CONF.pci.device_spec)
    assignable = []
    for dev in devices:
        if not wl.device_assignable(dev):
            continue
        spec = next(s for s in wl.specs if s.match(dev))
        assignable.append({"address": dev["address"], "tags": spec.get_tags()})
    aliases = {}
    for name, (policy, specs) in pci_request._get_alias_from_config().items():
        aliases[name] = sorted(
            a["address"] for a in assignable
            for dev in devices if dev["address"] == a["address"]
            if pci_utils.pci_device_prop_match(dev, specs))
    out = {"assignable": assignable, "aliases": aliases}
    if "requests" in host:
        out["requests"] = picks(wl, devices, host["requests"])
    return out


def picks(wl, devices, requests):
    """Per request, the devices Nova's scheduler pools offer it (stats.py)."""
    st = pci_stats.PciDeviceStats(objects.NUMATopology(cells=[]), dev_filter=wl)
    for dev in devices:
        if wl.device_assignable(dev):
            st.add_device(objects.PciDevice.create(None, dict(
                dev, numa_node=0, status="available",
                label="label_%s_%s" % (dev["vendor_id"], dev["product_id"]))))
    out = {}
    for req in requests:
        if "alias" in req:
            pci_reqs = pci_request._translate_alias_to_requests(
                req["alias"] + ":1")
        else:
            # The spec Nova's neutron.py builds for an SR-IOV port.
            spec = {
                pci_request.PCI_NET_TAG: req["physnet"],
                pci_request.PCI_REMOTE_MANAGED_TAG: "False",
            }
            dev_type = pci_request.DEVICE_TYPE_FOR_VNIC_TYPE.get(
                req["vnic_type"])
            if dev_type:
                spec[pci_request.PCI_DEVICE_TYPE_TAG] = dev_type
            pci_reqs = [objects.InstancePCIRequest(count=1, spec=[spec])]
        found = set()
        for r in pci_reqs:
            for pool in st._filter_pools(st.pools, r, None) or []:
                found.update(d.address for d in pool["devices"])
        out[req["name"]] = sorted(found)
    return out


def agent_host(host):
    load(host["agent"])
    parser = sriov_nic_agent.SriovNicAgentConfigParser()
    parser.parse()
    return {
        "mappings": parser.device_mappings,
        "exclude": {k: sorted(v) for k, v in parser.exclude_devices.items()},
        "bandwidths": parser.rp_bandwidths,
    }


def ml2(path):
    load(path)
    ranges = plugin_utils.parse_network_vlan_ranges(
        CONF.ml2_type_vlan.network_vlan_ranges)
    return {k: [list(r) for r in v] for k, v in ranges.items()}


def attempt(fn, arg):
    try:
        return {"ok": fn(arg)}
    except Exception as e:  # any refusal is the answer, reported per file
        return {"error": "%s: %s" % (type(e).__name__, e)}


def main():
    job = json.load(sys.stdin)
    out = {"hosts": {}, "ml2": attempt(ml2, job["ml2"])}
    for host in job["hosts"]:
        out["hosts"][host["name"]] = {
            "nova": attempt(nova_host, host),
            "agent": attempt(agent_host, host),
        }
    json.dump(out, sys.stdout, default=sorted)


main()
