/** The libvirt side of instances: domain requests, renderers, validation, the hypervisor port (docs/libvirt.md). */
export type * from './domain-request.js';
export type * from './hypervisor-driver.js';
export { DOMAIN_STATES } from './hypervisor-driver.js';
export type { NumaPlacement } from './numa-placement.js';
export { renderDomainXml, renderDeviceXml, type RenderedDomain } from './render-domain.js';
export { renderHostdevNetworkXml, validateHostdevNetwork } from './render-network.js';
export { validateDomainRequest, prepareInstance } from './validate-domain-request.js';
export { createRenderOnlyDriver, type RenderOnlyDriver } from './render-only-driver.js';
export { aliasOf } from './render-ports.js';
export { DISK_FORMATS } from './domain-request.js';
