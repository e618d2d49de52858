// The stack.yaml schema: a stack name and named resources (container, template, clone, app, instance), each with depends_on.
import { z } from 'zod';
import { isIPv4 } from '../config/schema/net.js';
import { nodeName, storageId } from '../config/schema/names.js';
import { networkSchema } from '../config/schema/network.js';
import { DNS_LABEL, intBetween, matching } from '../config/schema/primitives.js';
import { containerSpecSchema } from '../config/schema/spec.js';
import { show } from '../config/problems/show.js';

export const RESOURCE_KINDS = ['container', 'template', 'clone', 'app', 'instance'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** A resource name is a hostname too (clones and apps default to it), and part of lock names. */
const resourceName = matching(DNS_LABEL, 'is not a resource name: use a-z, 0-9 and "-" (not first or last), at most 63 characters');
/** The stack name ends up in the tag `pxstack-<name>`: pct's tag characters, lower-case. */
export const STACK_NAME = /^[a-z0-9][a-z0-9_-]{0,40}$/;

const dependsOn = z.array(resourceName).default([]);
const vmid = intBetween(100, 999999999).optional();
/** `dhcp` or `address/prefix`, checked as a container spec's network.ip is. */
const cidr = networkSchema.removeDefault().shape.ip.removeDefault();
const gateway = z.string().superRefine((s, ctx) => {
  if (!isIPv4(s)) ctx.addIssue({ code: 'custom', message: `${show(s)} is not an IPv4 address` });
});
const tag = matching(/^[a-z0-9_][a-z0-9_+.-]*$/, 'is not a tag: lower-case letters, digits, "_", "-", "+" and "."');
/** A file path, relative to the stack file's directory unless absolute. */
const file = z.string().min(1);
/** The node to make it on (`--node`); a container says it in its spec (`container.node`). */
const node = nodeName().optional();

const containerResource = z
  .object({
    kind: z.literal('container'),
    /** A container spec inline (the document a `ct create -f` file holds) ... */
    spec: containerSpecSchema.optional(),
    /** ... or in its own file. */
    file: file.optional(),
    depends_on: dependsOn,
  })
  .strict();

const templateResource = z
  .object({
    kind: z.literal('template'),
    /** The template's name in `template list` (default: the resource name). */
    name: resourceName.optional(),
    /** The container spec the template is built from. */
    file,
    vmid,
    storage: storageId().optional(),
    node,
    depends_on: dependsOn,
  })
  .strict();

const cloneResource = z
  .object({
    kind: z.literal('clone'),
    /** A template resource of this stack, or the name or vmid of a template already built. */
    template: z.union([z.string().min(1), z.number().int()]).transform(String),
    hostname: resourceName.optional(),
    vmid,
    ip: cidr.optional(),
    gateway: gateway.optional(),
    storage: storageId().optional(),
    linked: z.boolean().default(false),
    memory: intBetween(16, 524288).optional(),
    cores: intBetween(1, 128).optional(),
    swap: intBetween(0, 524288).optional(),
    tags: z.array(tag).default([]),
    node,
    depends_on: dependsOn,
  })
  .strict();

const appResource = z
  .object({
    kind: z.literal('app'),
    /** A catalog package with an `oci:` section. */
    package: z.string().min(1),
    hostname: resourceName.optional(),
    vmid,
    ip: cidr.optional(),
    gateway: gateway.optional(),
    storage: storageId().optional(),
    /** The package's environment variables (`--set KEY=VALUE`). */
    set: z.record(z.union([z.string(), z.number(), z.boolean()]).transform(String)).default({}),
    node,
    depends_on: dependsOn,
  })
  .strict();

const instanceResource = z
  .object({
    kind: z.literal('instance'),
    /** The instance id (default: the resource name). */
    id: resourceName.optional(),
    /** The instance config (`install <id> -f`). */
    file,
    node,
    depends_on: dependsOn,
  })
  .strict();

export const resourceSchema = z.discriminatedUnion('kind', [containerResource, templateResource, cloneResource, appResource, instanceResource]);

export const stackSchema = z
  .object({
    version: z.union([z.literal('1'), z.literal(1), z.literal('1.0')]).optional(),
    name: matching(STACK_NAME, 'is not a stack name: lower-case letters, digits, "_" and "-", at most 41 characters'),
    resources: z.record(resourceName, resourceSchema),
  })
  .strict();

export type StackFile = z.output<typeof stackSchema>;
export type ResourceDecl = z.output<typeof resourceSchema>;
export type ContainerDecl = z.output<typeof containerResource>;
export type TemplateDecl = z.output<typeof templateResource>;
export type CloneDecl = z.output<typeof cloneResource>;
export type AppDecl = z.output<typeof appResource>;
export type InstanceDecl = z.output<typeof instanceResource>;

/** Every resource a stack makes carries this tag: `--prune` destroys only what has it. */
export function stackTag(name: string): string {
  return `pxstack-${name}`;
}
