/** The file name an artifact is exported under: the last segment of its name. */
export const exportFileName = (artifactName: string) => artifactName.slice(artifactName.lastIndexOf('/') + 1);
