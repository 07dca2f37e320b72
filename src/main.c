#include <stdio.h>
int main(void) { puts("patchbay"); return 0; }
