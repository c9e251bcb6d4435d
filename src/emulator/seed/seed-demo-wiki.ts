// Content of the demo wiki (`--seed demo`): eleven pages, four levels deep, written in
// Notion-flavoured Markdown and turned into blocks by markdownToBlocks.

/** A wiki page to create: title, emoji icon, body and sub-pages. */
export interface WikiPage {
  title: string;
  icon: string;
  markdown: string;
  children?: WikiPage[];
}

/** The demo wiki tree, rooted at "Team Handbook". */
export const DEMO_WIKI: WikiPage = {
  title: 'Team Handbook',
  icon: '📘',
  markdown: `# Welcome to the team
This handbook is the **single source of truth** for how we work. It is *living documentation*: if something is wrong, fix it or ask in \`#handbook\`.
<callout icon="💡" color="blue_bg">
	New here? Start with [Onboarding](https://example.com/onboarding) and the **Engineering** section.
</callout>
## What you will find here
- How we plan and ship work
	- Weekly planning on *Mondays*
	- Demos every other *Friday*
- How we run production
- How we hire and grow people
---
> We prefer written decisions over meetings.<br>— the founders {color="gray"}`,
  children: [
    {
      title: 'Engineering',
      icon: '🛠️',
      markdown: `## Principles
1. Small, reviewed changes
2. Everything in version control
	- including ~~manual~~ infrastructure
3. Measure before optimising
## Services
<table header-row="true">
	<tr>
		<td>Service</td>
		<td>Owner</td>
		<td>Language</td>
	</tr>
	<tr>
		<td>api</td>
		<td>Platform</td>
		<td>\`TypeScript\`</td>
	</tr>
	<tr>
		<td>billing</td>
		<td>Growth</td>
		<td>\`Go\`</td>
	</tr>
	<tr>
		<td>search</td>
		<td>Data</td>
		<td>\`Rust\`</td>
	</tr>
</table>
## Local setup
\`\`\`shell
git clone git@example.com:acme/monorepo.git
cd monorepo && npm ci
npm test
\`\`\`
- [x] Install Node 24
- [ ] Ask for database access`,
      children: [
        {
          title: 'Architecture',
          icon: '🏛️',
          markdown: `## Overview
Requests enter through the **edge proxy**, reach the \`api\` service and fan out to workers over a queue.
\`\`\`typescript
export async function handle(request: Request): Promise<Response> {
  const job = await queue.enqueue(parse(request));
  return Response.json({ id: job.id }, { status: 202 });
}
\`\`\`
### Capacity
We size queues with Little's law:
$$
L = \\lambda W
$$
<details>
<summary>Why not a synchronous API?</summary>
	Long-running exports exceeded the proxy timeout; a queue keeps requests short.
</details>`,
        },
        {
          title: 'Runbooks',
          icon: '📕',
          markdown: `Runbooks describe **what to do** when an alert fires. Each one has an owner and is tested every quarter.
- Keep steps copy-pasteable
- Link the dashboard at the top`,
          children: [
            {
              title: 'On-call',
              icon: '📟',
              markdown: `## Before your shift
- [ ] Check the pager app is logged in
- [ ] Read the last handover note
- [x] Join \`#incidents\`
<callout icon="⚠️" color="red_bg">
	Never restart the primary database without a second person on the call.
</callout>
## First five minutes
1. Acknowledge the page
2. Open the status dashboard
3. Post in \`#incidents\`: *what*, *since when*, *who is on it*
\`\`\`shell
kubectl -n prod get pods --field-selector=status.phase!=Running
\`\`\``,
            },
            {
              title: 'Deploys',
              icon: '🚀',
              markdown: `Deploys go out **continuously** from \`main\`; a failed health check rolls back automatically.
\`\`\`yaml
deploy:
  strategy: rolling
  maxUnavailable: 0
  healthCheck: /healthz
\`\`\`
> If in doubt, don't deploy on Friday afternoon.
1. Merge the pull request
2. Watch the canary for ten minutes
3. Announce in <span color="green">#releases</span>`,
            },
          ],
        },
      ],
    },
    {
      title: 'Product',
      icon: '🧭',
      markdown: `## How we decide
Every bet has a **problem statement**, a *metric* and an owner.
<details>
<summary>Template for a bet</summary>
	- Problem
	- Who has it
	- How we will know it worked
</details>`,
      children: [
        {
          title: 'Roadmap 2027',
          icon: '🗺️',
          markdown: `## Now
- [ ] Billing revamp
- [ ] SSO for enterprise
## Next
- [ ] Mobile offline mode
## Later
- [ ] Public API v2`,
        },
        {
          title: 'Research notes',
          icon: '🔬',
          markdown: `> "I export to CSV every Monday just to build one chart." — customer interview, March
> "Search never finds the doc I wrote yesterday."
### Themes
- Reporting is **the** top request
- Search freshness matters more than ranking`,
        },
      ],
    },
    {
      title: 'People',
      icon: '🌱',
      markdown: `We hire for **curiosity** and *care*. Managers hold weekly one-on-ones.`,
      children: [
        {
          title: 'Onboarding',
          icon: '👋',
          markdown: `## Week one
- [ ] Laptop and accounts
- [ ] Read the handbook
- [ ] Ship a small change
<callout icon="🎉" color="green_bg">
	Your buddy is your first stop for any question.
</callout>`,
        },
      ],
    },
  ],
};
